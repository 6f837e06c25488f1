// Shows the signed-in user's profile as the browser gets it from the profile route.
(async () => {
  const out = document.getElementById("client-profile");
  if (!out) {
    return;
  }
  try {
    const res = await fetch(out.dataset.src, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (res.status === 401 || res.status === 204) {
      out.textContent = out.dataset.signedOut;
      return;
    }
    if (!res.ok) {
      throw new Error("HTTP " + res.status);
    }
    out.textContent = JSON.stringify(await res.json(), null, 2);
  } catch (err) {
    out.textContent = out.dataset.failed;
  }
})();
