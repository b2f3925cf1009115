/**
 * The entry: boots the app (boot.ts) once the boot frame of index.html has painted, so the first
 * paint never waits for the app's scripts to run. The scripts themselves are already on their way
 * (index.html modulepreloads boot.ts and what it imports: src/build/vite-plugins.ts
 * `bootAfterFirstPaint`); on a slow link they arrive after the frame has painted anyway, on a
 * fast one this costs one frame. A tab opened in the background paints nothing: it boots at once.
 */
import './styles.css';

const boot = () => void import('./boot');
if (document.visibilityState === 'hidden') boot();
else requestAnimationFrame(() => setTimeout(boot, 0));
