/**
 * Routes, one view per route. Every view but the shell loads on demand, so the logging route
 * (/events/new) carries little JavaScript and Leaflet, charts and export writers load only on
 * the routes that use them.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  { path: '/events', name: 'events', component: () => import('./views/EventListView.vue') },
  { path: '/events/new', name: 'event-new', component: () => import('./views/EventEditView.vue') },
  { path: '/events/:id', name: 'event-detail', component: () => import('./views/EventDetailView.vue'), props: true },
  { path: '/events/:id/edit', name: 'event-edit', component: () => import('./views/EventEditView.vue'), props: true },
  { path: '/map', name: 'map', component: () => import('./views/MapView.vue') },
  { path: '/reports', name: 'reports', component: () => import('./views/ReportsView.vue') },
  { path: '/review', name: 'review', component: () => import('./views/ReviewView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  { path: '/settings/staff', name: 'staff-settings', component: () => import('./views/StaffSettingsView.vue') },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
  { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue') },
  { path: '/drafts', name: 'drafts', component: () => import('./views/DraftsView.vue') },
  // An invite link (/join?code=…): the join form, with the code filled and the server this site.
  { path: '/join', name: 'join', component: () => import('./views/LoginView.vue') },
  // Issue 15 (群众意见): the staff inbox 意见办理, an item, the 意见箱 poster and an event's QR code and
  // poster, all under one route (views/FeedbackRouteView.vue), on demand and not precached, through
  // components/feedback/parts.ts (which says why).
  { path: '/feedback/:p(.*)*', component: () => import('./components/feedback/parts').then((m) => m.feedbackParts.route()) },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(), routes });
}
