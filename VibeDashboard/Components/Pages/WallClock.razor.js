// The screen's IANA time zone ("Europe/Berlin"), for the wall's local clock.
export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
}
