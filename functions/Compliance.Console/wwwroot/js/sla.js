import { t, h, formatDuration } from "./core.js";

/** A provider's SLA report as a definition list. */
export function slaFigures(report) {
  const rate = report.onTimeRate == null ? "—" : `${Math.round(report.onTimeRate * 1000) / 10}%`;
  const rows = [
    ["sla.orders", report.orders], ["sla.onTimeRate", rate], ["sla.removedOnTime", report.removedOnTime], ["sla.removedLate", report.removedLate],
    ["sla.openWithinDeadline", report.openWithinDeadline], ["sla.openOverdue", report.openOverdue], ["sla.breached", report.breached],
    ["sla.median", report.medianTimeToRemovalSeconds == null ? "—" : formatDuration(report.medianTimeToRemovalSeconds)],
  ];
  return h("dl", { class: "figures" }, rows.flatMap(([key, value]) => [h("dt", {}, t(key)), h("dd", { dataset: { figure: key.slice(4) } }, String(value))]));
}
