// Commission: issue orders under a regime, attach evidence, follow open orders and answer them.
import { t, h, api, act, field, notify, countdown, tickCountdowns, statusText, formatTime, formatDuration, dropZone, openByDeadline } from "./core.js";

const text = (id, value = "") => h("input", { id, type: "text", value, autocomplete: "off" });

/** The inputs for one notice field a regime requires, and how to read them into the order body. */
function noticeInputs(name) {
  switch (name) {
    case "reference_number": { const i = text("n-reference"); return { node: field("notice.reference_number", i), read: (b) => { b.referenceNumber = i.value; } }; }
    case "redress": { const i = text("n-redress"); return { node: field("notice.redress", i), read: (b) => { b.redress = i.value; } }; }
    case "complaint_reference": { const i = text("n-complaint"); return { node: field("notice.complaint_reference", i), read: (b) => { b.complaintReference = i.value; } }; }
    case "legal_provisions": { const i = text("n-provisions"); return { node: field("notice.legal_provisions", i, t("commaSeparated")), read: (b) => { b.legalProvisions = i.value.split(",").map((s) => s.trim()).filter(Boolean); } }; }
    case "territorial_scope": { const i = text("n-scope"); return { node: field("notice.territorial_scope", i, t("commaSeparated")), read: (b) => { b.territorialScope = i.value.split(",").map((s) => s.trim()).filter(Boolean); } }; }
    case "issuing_authority": {
      const n = text("n-authority-name"), c = text("n-authority-country"), m = text("n-authority-contact");
      return { node: h("fieldset", {}, h("legend", {}, t("notice.issuing_authority")), field("authority.name", n), field("authority.country", c), field("authority.contact", m)),
        read: (b) => { b.issuingAuthority = { name: n.value, country: c.value, contact: m.value }; } };
    }
    case "non_consent_statement": {
      const s = text("n-signed-by"), at = h("input", { id: "n-signed-at", type: "datetime-local" }), m = text("n-signer-contact");
      return { node: h("fieldset", {}, h("legend", {}, t("notice.non_consent_statement")), field("statement.signedBy", s), field("statement.signedAt", at), field("statement.contact", m)),
        read: (b) => { b.nonConsentStatement = { signedBy: s.value, signedAt: at.value ? new Date(at.value).toISOString() : null, contact: m.value }; } };
    }
    default: return { node: h("p", {}, name), read: () => {} };
  }
}

function regimeInfo(regime) {
  const clock = regime.clockSeconds ? formatDuration(regime.clockSeconds) : t("noClock");
  return h("div", { class: "regime-info", id: "regime-info" },
    h("div", {}, h("strong", {}, t("clock")), ": ", clock, " (", t(`basis.${regime.clockBasis}`), ")"),
    h("div", {}, h("strong", {}, t("requiredFields")), ": ", regime.requiredNotice.length ? regime.requiredNotice.map((f) => t(`notice.${f}`)).join(", ") : t("none")),
    h("div", { class: "hint" }, regime.citation));
}

function uploadEvidence(orderId, file, progress, status) {
  return act(null, async () => {
    const ticket = await api(`/api/v1/orders/${encodeURIComponent(orderId)}/media`, { method: "POST", body: {} });
    // Straight to storage with the create-only SAS URL: the file never passes through the app.
    await new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(ticket.method, ticket.uploadUrl);
      for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100); };
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(t("uploadFailed", { status: xhr.status }))));
      xhr.onerror = () => reject(new Error(t("uploadFailed", { status: 0 })));
      xhr.send(file);
    });
    progress.value = 100;
    status.append(h("li", { dataset: { mediaId: ticket.mediaId } }, t("uploaded", { name: file.name, id: ticket.mediaId })));
    notify(t("uploaded", { name: file.name, id: ticket.mediaId }));
  });
}

function evidenceSection(orderId) {
  const progress = h("progress", { max: "100", value: "0", "aria-label": t("uploadProgress") });
  const status = h("ul", { id: "evidence-list" });
  const zone = dropZone("dropEvidence", "image/*,video/*", true, async (files) => {
    for (const file of files) { progress.value = 0; await uploadEvidence(orderId, file, progress, status); }
  });
  return h("section", { class: "card", id: "evidence", "aria-labelledby": "evidence-title" },
    h("h3", { id: "evidence-title" }, t("evidenceFor", { id: orderId })), zone, progress, status);
}

/** The extend, withdraw and clarify forms for one order. */
function manage(order, reload) {
  const panel = h("section", { class: "card", id: "manage", "aria-labelledby": "manage-title" }, h("h3", { id: "manage-title" }, t("manageOrder", { id: order.orderId })));
  const post = (path, body, button, done) => act(button, async () => {
    await api(`/api/v1/orders/${encodeURIComponent(order.orderId)}/${path}`, { method: "POST", body });
    notify(done);
    await reload();
  });
  const due = h("input", { id: "extend-due", type: "datetime-local" });
  const extendReason = text("extend-reason");
  const extend = h("button", { type: "button", id: "extend" }, t("extend"));
  extend.addEventListener("click", () => post("extension", { dueAt: due.value ? new Date(due.value).toISOString() : null, reason: extendReason.value }, extend, t("extended")));
  const withdrawReason = text("withdraw-reason");
  const withdraw = h("button", { type: "button", id: "withdraw", class: "secondary" }, t("withdraw"));
  withdraw.addEventListener("click", () => post("withdrawal", { reason: withdrawReason.value }, withdraw, t("withdrawn")));
  panel.append(h("div", { class: "grid" },
    h("div", {}, field("newDeadline", due), field("reason", extendReason), extend),
    h("div", {}, field("reason", withdrawReason), withdraw)));
  if (order.status === "objected" && order.objection) {
    const explanation = h("textarea", { id: "clarify-text", rows: "3" });
    const clarify = h("button", { type: "button", id: "clarify" }, t("answerObjection"));
    clarify.addEventListener("click", () => post("clarification", { explanation: explanation.value }, clarify, t("clarified")));
    panel.append(h("p", {}, h("strong", {}, t("objection")), `: ${t(`ground.${order.objection.ground}`)} — ${order.objection.explanation}`), field("clarification", explanation), clarify);
  }
  panel.append(evidenceSection(order.orderId));
  return panel;
}

export async function commissionPage(main) {
  const [{ regimes }, { providers }] = await Promise.all([api("/api/v1/regimes"), api("/api/v1/providers")]);
  const regime = h("select", { id: "regime" }, regimes.map((r) => h("option", { value: r.code }, `${r.code} — ${r.jurisdiction}`)));
  const provider = h("select", { id: "provider" }, providers.map((p) => h("option", { value: p.id }, `${p.name} (${p.id})`)));
  const url = h("input", { id: "item-url", type: "url", placeholder: "https://" });
  const description = text("item-description");
  const reason = h("textarea", { id: "order-reason", rows: "2" });
  const info = h("div");
  const notice = h("div", { id: "notice-fields" });
  let readers = [];
  const showRegime = () => {
    const chosen = regimes.find((r) => r.code === regime.value);
    info.replaceChildren(regimeInfo(chosen));
    const inputs = chosen.requiredNotice.map(noticeInputs);
    readers = inputs.map((i) => i.read);
    notice.replaceChildren(...inputs.map((i) => i.node));
  };
  regime.addEventListener("change", showRegime);
  showRegime();
  const issue = h("button", { type: "submit", id: "issue" }, t("issueOrder"));
  const form = h("form", {}, h("div", { class: "grid" }, field("provider", provider), field("regime", regime)), info,
    field("itemUrl", url), field("itemDescription", description), field("reason", reason), notice, issue);
  const orders = h("div", { class: "table-wrap", id: "open-orders" });
  const detail = h("div", { id: "order-detail" });

  async function reload() {
    const page = await api("/api/v1/orders?pageSize=100");
    const open = openByDeadline(page.orders);
    orders.replaceChildren(open.length === 0 ? h("p", {}, t("noOpenOrders")) : h("table", {},
      h("caption", { class: "visually-hidden" }, t("openOrders")),
      h("thead", {}, h("tr", {}, [t("order"), t("provider"), t("regime"), t("status"), t("timeLeft"), ""].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, open.map((o) => {
        const open_ = h("button", { type: "button", class: "secondary", "aria-label": t("manageOrder", { id: o.orderId }) }, t("manage"));
        open_.addEventListener("click", async () => { const full = await api(`/api/v1/orders/${encodeURIComponent(o.orderId)}`); detail.replaceChildren(manage(full, reload)); detail.querySelector("h3").focus?.(); });
        return h("tr", { dataset: { orderId: o.orderId } }, h("td", { class: "hash" }, o.orderId), h("td", {}, o.providerId), h("td", {}, o.legalBasis),
          h("td", { class: "status" }, statusText(o.status)), h("td", {}, countdown(o)), h("td", {}, open_));
      }))));
    tickCountdowns();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(issue, async () => {
      const body = { providerId: provider.value, legalBasis: regime.value, items: [{ url: url.value, description: description.value || undefined }], reason: reason.value };
      for (const read of readers) read(body);
      const order = await api("/api/v1/orders", { method: "POST", body });
      notify(t("issued", { id: order.orderId, due: formatTime(order.dueAt) }));
      await reload();
      detail.replaceChildren(manage(order, reload));
    });
  });

  main.append(
    h("h2", {}, t("page.commission")),
    h("section", { class: "card", "aria-labelledby": "issue-title" }, h("h3", { id: "issue-title" }, t("issueOrder")), form),
    h("section", { class: "card", "aria-labelledby": "open-title" }, h("h3", { id: "open-title" }, t("openOrders")), orders),
    detail);
  await act(null, reload);
}
