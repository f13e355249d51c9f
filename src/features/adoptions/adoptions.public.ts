/** What other features may use of adoption applications: the parties, the answers, their statuses. */
export { type AnsweredQuestion, type ApplicationParties, type ContactApplication, applicationAnswersOf, applicationCountsOfDog, applicationParties, applicationStatusLabels, applicationsOfContact, decryptAnswers, encryptAnswers } from './adoptions.answers.js';
export { applicationEventsOf, exportApplicationEvents, exportApplications, exportCompletions, type ExportedApplication, type ExportedApplicationEvent, type ExportedCompletion } from './adoptions.export.js';
export { newApplicationsWaiting } from './adoptions.dashboard.js';
export { interviewsBetween, type ScheduledInterview } from './interviews.queries.js';
