/**
 * Who may open the feedback screens, decided once the session is known: 'offline' (the browser
 * has no network: everything here lives on the server), 'signIn' (nobody signed in, or the sign-in
 * expired), 'volunteer' (told who may use it) or 'staff'. Nothing is requested before it says
 * 'staff', so a phone nobody signed in on never asks the server (the review queue's old defect).
 */
import { ref, type Ref } from 'vue';
import { useSessionStore } from '../../stores/session';

/** Whether the browser says it has no network (a failed request says so too). */
const browserOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

export type FeedbackAccess = 'loading' | 'offline' | 'signIn' | 'volunteer' | 'staff';

export function useFeedbackAccess(): { access: Ref<FeedbackAccess>; decide: () => Promise<FeedbackAccess> } {
  const session = useSessionStore();
  const access = ref<FeedbackAccess>('loading');
  async function decide(): Promise<FeedbackAccess> {
    access.value = 'loading';
    if (!session.loaded) await session.load().catch(() => null);
    if (!session.signedIn) access.value = 'signIn';
    else if (session.session?.role === 'volunteer') access.value = 'volunteer';
    else if (browserOffline()) access.value = 'offline';
    else access.value = 'staff';
    return access.value;
  }
  return { access, decide };
}
