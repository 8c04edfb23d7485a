// Regulator: per-provider SLA charts (Chart.js from npm), CSV, and any order's history with its chain check.
import { t, h, api, act, field, statusText, formatTime } from "./core.js";
import { slaFigures } from "./sla.js";

const WEEKS = 8;
const DAY = 86400000;
// Time-to-removal buckets, in hours.
const BUCKETS = [1, 6, 12, 24, 48];

function chartCanvas(id, label) {
  const canvas = h("canvas", { id, role: "img", "aria-label": label });
  // Chart.js sizes a responsive chart from its container, which therefore has a fixed height of its own.
  return { canvas, box: h("figure", { class: "chart" }, h("figcaption", {}, label), h("div", { class: "chart-box" }, canvas)) };
}

function history(view) {
  return h("section", { class: "card", id: "history", "aria-labelledby": "history-title" },
    h("h3", { id: "history-title" }, t("historyOf", { id: view.orderId })),
    h("p", { id: "chain-check", class: view.chainValid ? "chain-valid" : "chain-invalid" }, view.chainValid ? t("chainValid") : t("chainInvalid")),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["#", t("event"), t("when"), t("actor"), t("status"), t("reason"), t("hash")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, view.events.map((e) => h("tr", {},
        h("td", {}, e.sequence), h("td", {}, e.type), h("td", {}, formatTime(e.at)), h("td", {}, `${t(`role.${e.actor.role}`)} ${e.actor.subject}`),
        h("td", {}, `${statusText(e.from)} → ${statusText(e.to)}`), h("td", {}, e.reason ?? ""), h("td", { class: "hash" }, e.hash.slice(0, 16))))))));
}

export async function regulatorPage(main) {
  const { providers } = await api("/api/v1/providers");
  const provider = h("select", { id: "sla-provider" }, providers.map((p) => h("option", { value: p.id }, `${p.name} (${p.id})`)));
  const figures = h("div", { id: "sla-figures" });
  const charts = h("div", { class: "charts" });
  const orders = h("div", { class: "table-wrap", id: "provider-orders" });
  const detail = h("div", { id: "history-panel" });
  const download = h("button", { type: "button", id: "download-csv", class: "secondary" }, t("downloadCsv"));
  let drawn = [];

  download.addEventListener("click", () => act(download, async () => {
    const csv = await api(`/api/v1/providers/${encodeURIComponent(provider.value)}/sla`, { accept: "text/csv" });
    const link = h("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: `sla-${provider.value}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  }));

  let latest = 0;
  async function load() {
    // A slower answer for a provider chosen earlier must not overwrite the one chosen now.
    const request = ++latest;
    const chosen = provider.value;
    const id = encodeURIComponent(chosen);
    const now = Date.now();
    const weeks = Array.from({ length: WEEKS }, (_, i) => ({ from: new Date(now - (WEEKS - i) * 7 * DAY), to: new Date(now - (WEEKS - i - 1) * 7 * DAY) }));
    const [report, weekly, page] = await Promise.all([
      api(`/api/v1/providers/${id}/sla`),
      Promise.all(weeks.map((w) => api(`/api/v1/providers/${id}/sla?from=${w.from.toISOString()}&to=${w.to.toISOString()}`))),
      api(`/api/v1/orders?providerId=${id}&pageSize=100`),
    ]);
    if (request !== latest) return;
    figures.replaceChildren(slaFigures(report));
    for (const chart of drawn) chart.destroy();
    const labels = weeks.map((w) => w.to.toLocaleDateString(document.documentElement.lang, { month: "short", day: "numeric" }));
    const onTime = chartCanvas("chart-on-time", t("chart.onTime"));
    const breaches = chartCanvas("chart-breaches", t("chart.breaches"));
    const removal = chartCanvas("chart-removal", t("chart.timeToRemoval"));
    charts.replaceChildren(onTime.box, breaches.box, removal.box);
    const counts = new Array(BUCKETS.length + 1).fill(0);
    for (const o of page.orders) {
      if (!o.removal) continue;
      const hours = (new Date(o.removal.receivedAt) - new Date(o.issuedAt)) / 3600000;
      const bucket = BUCKETS.findIndex((limit) => hours < limit);
      counts[bucket === -1 ? BUCKETS.length : bucket]++;
    }
    const bucketLabels = BUCKETS.map((limit, i) => `${i === 0 ? 0 : BUCKETS[i - 1]}–${limit}h`).concat(`≥${BUCKETS.at(-1)}h`);
    const options = { responsive: true, maintainAspectRatio: false, animation: false };
    drawn = [
      new window.Chart(onTime.canvas, { type: "line", data: { labels, datasets: [{ label: t("chart.onTime"), data: weekly.map((r) => (r.onTimeRate == null ? null : r.onTimeRate * 100)), borderColor: "#0b57d0", pointRadius: 4, spanGaps: true }] }, options: { ...options, scales: { y: { min: 0, max: 100 } } } }),
      new window.Chart(breaches.canvas, { type: "bar", data: { labels, datasets: [{ label: t("chart.breaches"), data: weekly.map((r) => r.breached), backgroundColor: "#a4161a" }] }, options }),
      new window.Chart(removal.canvas, { type: "bar", data: { labels: bucketLabels, datasets: [{ label: t("chart.orders"), data: counts, backgroundColor: "#1e6b34" }] }, options }),
    ];
    orders.replaceChildren(page.orders.length === 0 ? h("p", {}, t("noOrders")) : h("table", {},
      h("thead", {}, h("tr", {}, [t("order"), t("regime"), t("status"), t("issuedAt"), ""].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, page.orders.map((o) => {
        const open = h("button", { type: "button", class: "secondary", "aria-label": t("historyOf", { id: o.orderId }) }, t("history"));
        open.addEventListener("click", () => act(open, async () => {
          detail.replaceChildren(history(await api(`/api/v1/orders/${encodeURIComponent(o.orderId)}/history`)));
        }));
        return h("tr", { dataset: { orderId: o.orderId } }, h("td", { class: "hash" }, o.orderId), h("td", {}, o.legalBasis), h("td", {}, statusText(o.status)), h("td", {}, formatTime(o.issuedAt)), h("td", {}, open));
      }))));
    main.dataset.loaded = chosen;
  }

  provider.addEventListener("change", () => act(null, load));
  main.append(
    h("h2", {}, t("page.regulator")),
    h("section", { class: "card", "aria-labelledby": "sla-title" }, h("h3", { id: "sla-title" }, t("providerSla")), field("provider", provider), figures, download, charts),
    h("section", { class: "card", "aria-labelledby": "orders-title" }, h("h3", { id: "orders-title" }, t("orders")), orders),
    detail);
  if (providers.length) await act(null, load);
}
