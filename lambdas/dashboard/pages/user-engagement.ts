/** User Engagement: events by type, devices, daily active users. */
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, donutChart, timeChart } from '../chart-options.js';
import type { DashboardPage } from '../page-model.js';

export const userEngagementPage = (data: DashboardData): DashboardPage => ({
  id: 'user-engagement',
  title: 'User Engagement',
  summary: 'What users do, on which devices, and how many are active each day.',
  blocks: [
    {
      kind: 'chart',
      chart: {
        id: 'events-by-type',
        title: 'Events by type',
        source: 'gold.measure_event_count',
        option: categoryChart(
          data.events.map((row) => row.event_type),
          [
            { name: 'Events', values: data.events.map((row) => row.event_count), format: 'count' },
            { name: 'Users', values: data.events.map((row) => row.users), format: 'count' },
          ],
          { horizontal: true },
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'device-share',
        title: 'Events by device',
        source: 'gold.measure_device_share',
        option: donutChart(
          'Events',
          data.devices.map((row) => ({ name: row.device_type, value: row.event_count, share: row.device_share })),
          'count',
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'daily-active-users',
        title: 'Daily active users',
        source: 'gold.measure_daily_active_users',
        wide: true,
        option: timeChart([
          { name: 'Daily active users', points: data.dailyActiveUsers.map((row) => [row.event_date, row.daily_active_users]), format: 'count', area: true },
          { name: 'Sessions', points: data.dailyActiveUsers.map((row) => [row.event_date, row.sessions]), format: 'count' },
        ]),
      },
    },
  ],
});
