// Copies the browser builds of the pinned npm packages into wwwroot/vendor, which the function app
// serves: the console never loads a script from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = {
  "chart.umd.min.js": "node_modules/chart.js/dist/chart.umd.min.js",
  "msal-browser.min.js": "node_modules/@azure/msal-browser/lib/msal-browser.min.js",
};
mkdirSync(join(root, "wwwroot/vendor"), { recursive: true });
for (const [name, from] of Object.entries(files)) {
  copyFileSync(join(root, from), join(root, "wwwroot/vendor", name));
}
