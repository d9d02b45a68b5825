// The sandbox pay page's buttons (an external script: the page's CSP allows no inline script).
document.querySelectorAll("button[data-action]").forEach(function (button) {
  button.addEventListener("click", async function () {
    const r = await fetch(location.pathname + "/" + button.dataset.action,
      {method: "POST", headers: {"content-type": "application/json"}, body: "null"});
    const body = await r.json();
    document.getElementById("status").textContent = body.status || body.detail;
  });
});
