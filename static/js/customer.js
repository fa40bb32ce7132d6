// Customer panel: no inline handlers, so the pages can run under a strict Content-Security-Policy.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
