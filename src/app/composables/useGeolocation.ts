/**
 * One GPS fix on request ("使用我的位置"): position, accuracy and why it failed. The fix only
 * suggests a township; the person confirms, since township polygons are approximate.
 */
import { ref, shallowRef } from 'vue';

/** A WGS-84 fix with its accuracy radius in metres. */
export interface GeoFix {
  lat: number;
  lon: number;
  accuracyM: number;
}

/** Why no fix came: permission refused, or no position (timeout, no signal, no API). */
export type GeoFailure = 'denied' | 'unavailable';

/** `locate()` asks once; `fix`, `failure` and `locating` tell the outcome. */
export function useGeolocation(options: PositionOptions = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 }) {
  const fix = shallowRef<GeoFix | null>(null);
  const failure = ref<GeoFailure | null>(null);
  const locating = ref(false);

  function locate(): Promise<GeoFix | null> {
    failure.value = null;
    const geo = globalThis.navigator?.geolocation;
    if (!geo) {
      failure.value = 'unavailable';
      return Promise.resolve(null);
    }
    locating.value = true;
    return new Promise((resolve) => {
      geo.getCurrentPosition(
        (pos) => {
          locating.value = false;
          fix.value = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracyM: Math.round(pos.coords.accuracy) };
          resolve(fix.value);
        },
        (err) => {
          locating.value = false;
          failure.value = err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable';
          resolve(null);
        },
        options,
      );
    });
  }

  return { fix, failure, locating, locate };
}
