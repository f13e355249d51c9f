import type { FeatureRoutes } from '../platform/http/server.js';
import { auditRoutes } from '../features/audit/audit.routes.js';
import { authRoutes } from '../features/auth/auth.routes.js';
import { passwordResetRoutes } from '../features/auth/password-reset.routes.js';
import { dashboardRoutes } from '../features/dashboard/dashboard.routes.js';
import { dogsRoutes } from '../features/dogs/dogs.routes.js';
import { photosRoutes } from '../features/photos/photos.routes.js';
import { fostersRoutes } from '../features/fosters/fosters.routes.js';
import { jobsAdminRoutes } from '../features/jobs-admin/jobs-admin.routes.js';
import { medicalRoutes } from '../features/medical/medical.routes.js';
import { outboxRoutes } from '../features/outbox/outbox.routes.js';
import { settingsRoutes } from '../features/settings/settings.routes.js';
import { privacyRoutes } from '../features/settings/privacy.routes.js';
import { lostAndFoundSettingRoutes } from '../features/settings/lostfound.setting.routes.js';
import { lostFoundInboxRoutes, lostFoundRoutes, rootLostFoundRoutes } from '../features/lostfound/lostfound.public.js';
import { settingsLogoRoutes } from '../features/settings/settings.logo.routes.js';
import { rescueDefaultFees, rescueLogoIcon } from '../features/settings/settings.public.js';
import { operatorRoutes } from '../features/operator/operator.routes.js';
import { hubVetsRoutes, operatorVetsRoutes, vetAccessRoutes, vetAccountRoutes, vetGrantHubRoutes } from '../features/vets/vets.public.js';
import { operatorResetRoutes } from '../features/operator/password-reset.routes.js';
import { landingRoutes, publicSiteRoutes } from '../features/site/site.routes.js';
import { embedRoutes } from '../features/site/embed.routes.js';
import { rescueIconRoutes } from '../features/site/icon.routes.js';
import { maintenanceNotices } from '../features/maintenance/maintenance.notices.js';
import { maintenanceRoutes } from '../features/maintenance/maintenance.routes.js';
import { backupsRoutes } from '../features/operator/backups.routes.js';
import { invitationRoutes } from '../features/staff/invitations.routes.js';
import { staffRoutes } from '../features/staff/staff.routes.js';
import { peopleRoutes } from '../features/people/people.routes.js';
import { questionsRoutes } from '../features/adoptions/questions.routes.js';
import { applyRoutes } from '../features/adoptions/apply.routes.js';
import { applicationsHubRoutes } from '../features/adoptions/inbox.routes.js';
import { adoptionTemplatesRoutes } from '../features/adoptions/templates.routes.js';
import { unreadNotificationCount } from '../features/notifications/notifications.hooks.js';
import { notificationsRoutes } from '../features/notifications/notifications.routes.js';
import { contractSigningRoutes } from '../features/contracts/contracts.sign.routes.js';
import { contractsRoutes } from '../features/contracts/contracts.routes.js';
import { exportRoutes } from '../features/export/export.routes.js';
import { concernsRoutes } from '../features/ai/concerns.routes.js';
import { chatRoutes } from '../features/ai/chat.routes.js';
import { reviewRoutes } from '../features/ai/ai.review.routes.js';
import { chatDogPage } from '../features/ai/chat.panels.public.js';
import { healthRoutes } from '../platform/http/health.routes.js';
import { aiRoutes } from '../features/ai/ai.routes.js';
import { extractionRoutes, queueExtraction } from '../features/ai/ai.public.js';
import { forgetRejectedPhoto, queuePhotoEmbedding } from '../features/matching/matching.public.js';
import { aiDogPage } from '../features/ai/ai.panels.public.js';
import { DogPage, dogsDashboardCard, dogScopeGuard } from '../features/dogs/dogs.public.js';
import { fostersDogPage } from '../features/fosters/fosters.panels.public.js';
import { medicalDogPage } from '../features/medical/medical.panels.public.js';
import { medicalDueDashboardCard } from '../features/medical/medical.public.js';
import { photosDogPage } from '../features/photos/photos.panels.public.js';
import { newApplicationsWaiting } from '../features/adoptions/adoptions.public.js';
import { signedContractsWaiting } from '../features/contracts/contracts.public.js';
import { pendingPhotosWaiting } from '../features/photos/photos.public.js';
import { unreadFosterNotesWaiting } from '../features/notifications/notifications.public.js';
import { vetRequestRoutes, vetRequestsHubRoutes, vetRequestsWaiting, vetSearchRoutes, vetSearchSettingRoutes } from '../features/vets/vets.public.js';

// The dog's hub page and the dashboard are composed here, from what each feature registers, so
// the dogs and dashboard features import none of the features that add to them.
const dogPage = new DogPage([fostersDogPage, medicalDogPage, photosDogPage, aiDogPage, chatDogPage]);
const dashboardCards = [dogsDashboardCard, medicalDueDashboardCard];
// What waits for someone, in the order the dashboard's "Waiting" card lists it.
const waitingItems = [newApplicationsWaiting, signedContractsWaiting, pendingPhotosWaiting, unreadFosterNotesWaiting, vetRequestsWaiting];

/** Every feature's routes, by where they mount. The one place a new feature is added. */
export const featureRoutes: FeatureRoutes = {
  root: [maintenanceNotices, healthRoutes, landingRoutes, rootLostFoundRoutes],
  // Hooks first, so they cover every tenant route: the hub header's unread count, and the guard that
  // keeps a foster to the dogs in their care on every /hub/dogs/:id… route.
  tenant: [unreadNotificationCount, dogScopeGuard, publicSiteRoutes, embedRoutes, rescueIconRoutes(rescueLogoIcon), authRoutes, passwordResetRoutes, dashboardRoutes(dashboardCards, waitingItems), dogsRoutes(dogPage, rescueDefaultFees), photosRoutes(dogPage, { photoApproved: queuePhotoEmbedding, photoRejected: forgetRejectedPhoto }), fostersRoutes(dogPage), medicalRoutes({ documentStored: queueExtraction }), extractionRoutes, staffRoutes, invitationRoutes, peopleRoutes, questionsRoutes, concernsRoutes, chatRoutes(dogPage), applyRoutes, applicationsHubRoutes, reviewRoutes, adoptionTemplatesRoutes, settingsRoutes, settingsLogoRoutes, privacyRoutes, lostAndFoundSettingRoutes, vetSearchSettingRoutes, vetRequestsHubRoutes, lostFoundRoutes, lostFoundInboxRoutes, hubVetsRoutes, auditRoutes, jobsAdminRoutes, outboxRoutes, notificationsRoutes, contractsRoutes, contractSigningRoutes, exportRoutes, aiRoutes(dogPage), vetGrantHubRoutes],
  operator: [operatorRoutes, operatorResetRoutes, maintenanceRoutes, backupsRoutes, operatorVetsRoutes],
  vet: [vetAccountRoutes, vetRequestRoutes, vetSearchRoutes, vetAccessRoutes],
};
