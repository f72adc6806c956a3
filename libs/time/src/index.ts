export { zoneOffsetMs, isValidTimeZone } from './zone-offset';
export { DAY_MS, localDayNumber, dayNumberOfDate, dateOfDayNumber, startOfLocalDay, formatLocal } from './local-date';
export { periodOfInstant, periodOfDate, periodOfDay, type CalendarWindow, type Period } from './calendar-period';
export { elapsedFraction, weekdayOfDay, WEEKDAYS, type Weekday, type WorkingCalendar } from './working-days';
