export { contrastRatio, luminance, textColourOn } from './contrast.js';
export {
  dayIn,
  defaultRescueLocale,
  formatDate,
  formatDateTime,
  formatDay,
  formatMoney,
  instantOfWallClock,
  isCurrency,
  isLocale,
  isTimeZone,
  wallClockIn,
  type RescueLocale,
} from './locale.js';
