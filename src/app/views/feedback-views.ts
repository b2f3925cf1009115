/**
 * The feedback routes' views (QR poster, 意见办理 inbox and item), loaded through this one small
 * module for the reason given in components/feedback/parts.ts: the router sits in the first visit,
 * and a direct dynamic import there would write each view's whole preload map into it.
 */
export const feedbackViews = {
  poster: () => import('./FeedbackPosterView.vue'),
  inbox: () => import('./FeedbackInboxView.vue'),
  item: () => import('./FeedbackItemView.vue'),
};
