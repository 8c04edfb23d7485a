// Provider: the inbox by deadline, one-click answers, and the provider's own SLA.
import { state, t, h, api, act, field, notify, countdown, tickCountdowns, statusText, openByDeadline } from "./core.js";
import { slaFigures } from "./sla.js";

export async function providerPage(main) {
  const providerId = state.session.providerId;
  const inbox = h("div", { class: "table-wrap", id: "inbox" });
  const sla = h("div", { id: "own-sla" });
  const objection = h("div", { id: "objection-form" });

  const answer = (orderId, path, body, button, done) => act(button, async () => {
    await api(`/api/v1/orders/${encodeURIComponent(orderId)}/${path}`, { method: "POST", body });
    notify(done);
    await reload();
  });

  function objectForm(order) {
    const ground = h("select", { id: "objection-ground" }, ["manifest_error", "insufficient_information", "force_majeure"].map((g) => h("option", { value: g }, t(`ground.${g}`))));
    const explanation = h("textarea", { id: "objection-text", rows: "3" });
    const send = h("button", { type: "button", id: "send-objection" }, t("sendObjection"));
    send.addEventListener("click", () => answer(order.orderId, "objection", { ground: ground.value, explanation: explanation.value }, send, t("objected")));
    return h("section", { class: "card", "aria-labelledby": "object-title" }, h("h3", { id: "object-title" }, t("objectTo", { id: order.orderId })), field("ground", ground), field("explanation", explanation), send);
  }

  async function reload() {
    const page = await api("/api/v1/orders?pageSize=100");
    const open = openByDeadline(page.orders);
    inbox.replaceChildren(open.length === 0 ? h("p", {}, t("inboxEmpty")) : h("table", {},
      h("caption", { class: "visually-hidden" }, t("inbox")),
      h("thead", {}, h("tr", {}, [t("order"), t("regime"), t("items"), t("status"), t("timeLeft"), t("actions")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, open.map((o) => {
        const ack = h("button", { type: "button", class: "ack", "aria-label": `${t("acknowledge")} ${o.orderId}`, disabled: o.status !== "issued" }, t("acknowledge"));
        ack.addEventListener("click", () => answer(o.orderId, "acknowledgement", {}, ack, t("acknowledged")));
        const confirm = h("button", { type: "button", class: "confirm", "aria-label": `${t("confirmRemoval")} ${o.orderId}` }, t("confirmRemoval"));
        confirm.addEventListener("click", () => answer(o.orderId, "confirmation", { removedAt: new Date().toISOString(), action: "removed" }, confirm, t("confirmed")));
        const object = h("button", { type: "button", class: "object secondary", "aria-label": `${t("object")} ${o.orderId}`, disabled: o.status === "objected" }, t("object"));
        object.addEventListener("click", () => { objection.replaceChildren(objectForm(o)); objection.querySelector("select").focus(); });
        return h("tr", { dataset: { orderId: o.orderId } }, h("td", { class: "hash" }, o.orderId), h("td", {}, o.legalBasis),
          h("td", {}, o.items.map((i) => h("div", {}, i.url))), h("td", { class: "status" }, statusText(o.status)), h("td", {}, countdown(o)),
          h("td", {}, h("div", { class: "row-actions" }, ack, confirm, object)));
      }))));
    tickCountdowns();
    sla.replaceChildren(slaFigures(await api(`/api/v1/providers/${encodeURIComponent(providerId)}/sla`)));
  }

  main.append(
    h("h2", {}, t("page.provider"), " — ", providerId),
    h("section", { class: "card", "aria-labelledby": "inbox-title" }, h("h3", { id: "inbox-title" }, t("inbox")), inbox),
    objection,
    h("section", { class: "card", "aria-labelledby": "sla-title" }, h("h3", { id: "sla-title" }, t("ownSla")), sla));
  await act(null, reload);
}
