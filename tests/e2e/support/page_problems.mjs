// What a page logs as an error, fails to load, or answers with an error status, added to
// `problems`; with `origins`, a request to any other origin too (a third-party site).
export function watchProblems(page, problems, origins = null) {
  page.on("console", (message) => { if (message.type() === "error") problems.push(`console: ${message.text()}`); });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("response", (response) => { if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`); });
  if (!origins) return;
  page.on("request", (request) => {
    if (request.url().startsWith("data:")) return;
    if (!origins().includes(new URL(request.url()).origin)) problems.push(`third-party request: ${request.url()}`);
  });
}
