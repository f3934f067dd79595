// warden creates only private files, so its processes run with umask 077. The user's own umask is
// kept for what warden starts on the user's behalf (`warden exec`'s command, session processes).
// A daemon spawned by `warden daemon start` inherits 077, so the CLI hands the user's umask over
// in WARDEN_USER_UMASK (octal).
const inherited = process.umask(0o077);
const handed = /^[0-7]{1,4}$/.test(process.env.WARDEN_USER_UMASK ?? "") ? parseInt(process.env.WARDEN_USER_UMASK!, 8) & 0o777 : null;
delete process.env.WARDEN_USER_UMASK; // not for the processes warden starts

export const userUmask: number = handed ?? inherited;
