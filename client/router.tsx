import { createBrowserRouter } from 'react-router';
import { Layout } from './pages/Layout';
import { JourneysPage } from './pages/JourneysPage';
import { JourneyPage } from './pages/JourneyPage';
import { VersionPage } from './pages/VersionPage';
import { MigratePage } from './migrate/MigratePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SettingsPage } from './pages/SettingsPage';
import { OutboxPage } from './pages/OutboxPage';
import { DeadLettersPage } from './outbox/DeadLettersPage';
import { TemplatesPage } from './templates/TemplatesPage';
import { TemplateEditorPage } from './templates/TemplateEditorPage';
import { ContactSearchPage } from './contacts/ContactSearchPage';
import { ContactPage } from './contacts/ContactPage';
import { SignInPage } from './auth/SignInPage';
import { ApprovalsPage } from './approvals/ApprovalsPage';
import { ApprovalPage } from './approvals/ApprovalPage';
import { UsersPage } from './admin/UsersPage';
import { AuditPage } from './admin/AuditPage';
import { AgentPage } from './agent/AgentPage';

export const router = createBrowserRouter([
  // outside the Layout: it needs no session
  { path: '/sign-in', Component: SignInPage },
  {
    path: '/',
    Component: Layout,
    children: [
      { index: true, Component: JourneysPage },
      { path: 'journeys/:id', Component: JourneyPage },
      { path: 'journeys/:id/versions/:version', Component: VersionPage },
      { path: 'journeys/:id/migrate', Component: MigratePage },
      { path: 'templates', Component: TemplatesPage },
      { path: 'templates/:key', Component: TemplateEditorPage },
      {
        path: 'contacts',
        children: [
          { index: true, Component: ContactSearchPage },
          { path: ':externalId', Component: ContactPage },
        ],
      },
      { path: 'outbox', Component: OutboxPage },
      { path: 'dead-letters', Component: DeadLettersPage },
      {
        path: 'approvals',
        children: [
          { index: true, Component: ApprovalsPage },
          { path: ':id', Component: ApprovalPage },
        ],
      },
      { path: 'audit', Component: AuditPage },
      { path: 'agent', Component: AgentPage },
      { path: 'users', Component: UsersPage },
      { path: 'settings', Component: SettingsPage },
      { path: '*', Component: NotFoundPage },
    ],
  },
]);
