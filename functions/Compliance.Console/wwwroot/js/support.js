// Support centre: open a victim's case from hashes computed here, in the browser (the images never
// leave the machine); and the victim's status page by case id and access code.
import { t, h, api, act, field, notify, statusText, formatTime, dropZone } from "./core.js";
import { hashFile } from "./pdq.js";

export async function supportPage(main) {
  const [{ regimes }, { providers }] = await Promise.all([api("/api/v1/regimes"), api("/api/v1/providers")]);
  const regime = h("select", { id: "case-regime" }, regimes.filter((r) => r.victimRequests).map((r) => h("option", { value: r.code }, `${r.code} — ${r.jurisdiction}`)));
  const hashes = [];
  const hashList = h("ul", { id: "hash-list" });
  const zone = dropZone("dropImages", "image/png,image/jpeg,image/webp,image/gif,image/bmp", true, (files) => act(null, async () => {
    for (const file of files) {
      const result = await hashFile(file);
      if (result.pdqs.length === 0) throw new Error(t("imageTooSmall", { name: file.name }));
      hashes.push({ pdqs: result.pdqs, quality: result.quality });
      hashList.append(h("li", {}, h("span", {}, `${file.name} — ${t("quality")} ${result.quality}: `), h("span", { class: "hash", dataset: { pdq: result.pdqs[0] } }, result.pdqs[0])));
    }
    notify(t("hashedHere", { count: hashes.length }));
  }));
  const locations = h("div", { id: "locations" });
  const addLocation = () => {
    const n = locations.children.length + 1;
    const p = h("select", { id: `loc-provider-${n}` }, providers.map((x) => h("option", { value: x.id }, `${x.name} (${x.id})`)));
    const u = h("input", { id: `loc-url-${n}`, type: "url", placeholder: "https://" });
    locations.append(h("fieldset", { class: "location" }, h("legend", {}, t("locationN", { n })), field("provider", p), field("itemUrl", u)));
  };
  addLocation();
  const more = h("button", { type: "button", class: "secondary", id: "add-location" }, t("addLocation"));
  more.addEventListener("click", addLocation);
  const note = h("textarea", { id: "case-note", rows: "2" });
  const contact = h("input", { id: "case-contact", type: "text", autocomplete: "off" });
  const result = h("div", { id: "case-result", "aria-live": "polite" });
  const open = h("button", { type: "submit", id: "open-case" }, t("openCase"));
  const form = h("form", {}, field("regime", regime), zone, hashList, locations, more, field("note", note), field("contact", contact), open);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(open, async () => {
      if (hashes.length === 0) throw new Error(t("dropFirst"));
      const body = {
        legalBasis: regime.value,
        hashes,
        locations: [...locations.querySelectorAll("fieldset")].map((f) => ({ providerId: f.querySelector("select").value, url: f.querySelector("input").value })),
        note: note.value || undefined,
        contact: contact.value || undefined,
      };
      const opened = await api("/api/v1/cases", { method: "POST", body });
      result.replaceChildren(h("section", { class: "card" },
        h("h3", {}, t("caseOpened")),
        h("dl", { class: "figures" }, h("dt", {}, t("caseId")), h("dd", { id: "case-id", class: "secret" }, opened.caseId),
          h("dt", {}, t("accessCode")), h("dd", { id: "access-code", class: "secret" }, opened.accessCode)),
        h("p", {}, t("giveCodeToVictim")),
        h("a", { href: `#/status?case=${encodeURIComponent(opened.caseId)}` }, t("page.status"))));
      notify(t("caseOpened"));
    });
  });
  main.append(h("h2", {}, t("page.support")),
    h("section", { class: "card", "aria-labelledby": "case-title" }, h("h3", { id: "case-title" }, t("openCase")), h("p", {}, t("hashNotice")), form), result);
}

export function statusPage(main) {
  const preset = new URLSearchParams(location.hash.split("?")[1] || "").get("case") || "";
  const caseId = h("input", { id: "status-case", type: "text", value: preset, autocomplete: "off" });
  const code = h("input", { id: "status-code", type: "text", autocomplete: "off", spellcheck: "false" });
  const out = h("div", { id: "status-result" });
  const check = h("button", { type: "submit", id: "check-status" }, t("checkStatus"));
  const form = h("form", {}, field("caseId", caseId), field("accessCode", code), check);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(check, async () => {
      // The code goes in a header, never in the URL.
      const status = await api(`/api/v1/cases/${encodeURIComponent(caseId.value.trim())}/status`, { anonymous: true, headers: { "X-Case-Access-Code": code.value.trim() } });
      out.replaceChildren(h("section", { class: "card" },
        h("h3", {}, t("caseStatus"), ": ", h("span", { id: "case-status" }, t(`caseStatus.${status.status}`))),
        h("div", { class: "table-wrap" }, h("table", {},
          h("thead", {}, h("tr", {}, [t("provider"), t("status"), t("deadline")].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, status.orders.map((o) => h("tr", {}, h("td", {}, o.providerId), h("td", { class: "status" }, statusText(o.status)), h("td", {}, formatTime(o.dueAt))))))),
        h("p", {}, t("reuploadsBlocked", { count: status.reuploadsBlocked ?? 0 }))));
    });
  });
  main.append(h("h2", {}, t("page.status")), h("section", { class: "card", "aria-labelledby": "status-title" }, h("h3", { id: "status-title" }, t("statusIntro")), form), out);
}
