// After a passkey is added (django-otp-webauthn's event), go on to the page named by data-passkey-next.
document.addEventListener("otp_webauthn.register_complete", () => {
  const holder = document.querySelector("[data-passkey-next]");
  if (holder && holder.dataset.passkeyNext) {
    window.location.assign(holder.dataset.passkeyNext);
  }
});
