// warden creates only private files, so its processes run with umask 077. The user's own umask is
// kept here for what warden starts on the user's behalf (`warden exec`'s command).
export const userUmask = process.umask(0o077);
