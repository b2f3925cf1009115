/**
 * The feedback parts other screens show (home card, event ratings, 管理设置 section, report
 * section), each loaded on demand through this one small module. Why a hop: a dynamic import
 * carries the list of every file its target needs (Vite's preload map), and that list is written
 * into the importing chunk — four precached volunteer screens (home, event detail, settings,
 * reports) each paid ~300 bytes gzip for it against the first-visit budget. Imported dynamically,
 * this module needs nothing up front, so their maps name one file; the parts' own maps live here,
 * outside the first visit.
 */
export const feedbackParts = {
  /** The /feedback/… route's view (the router is in the first visit too). */
  route: () => import('../../views/FeedbackRouteView.vue'),
  home: () => import('./HomeFeedbackCard.vue'),
  eventFeedback: () => import('./EventFeedback.vue'),
  settings: () => import('./FeedbackSettings.vue'),
  report: () => import('./FeedbackReportSection.vue'),
  /** 满意度 on the coverage map (staff, online): the figures and the legend. */
  mapSatisfaction: () => import('./map-satisfaction'),
  mapLegend: () => import('./MapSatisfactionLegend.vue'),
  /** The 群众意见办理台账 for the year's workbook (the reports screen's 导出 Excel). */
  register: () => import('../../export/feedback-register'),
};
