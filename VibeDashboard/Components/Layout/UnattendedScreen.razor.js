// Keeps an unattended screen (the wall, a rotation) alive with nobody to press a button. Loaded once per page
// load; its listeners live as long as the page, since a dropped connection is exactly when no component runs.
//
// - Connection dropped: Blazor's own retries run (10 at once, then every 5 s, then every 30 s); this shows a small
//   "reconnecting…" line instead of the modal (ReconnectModal stays out of the way on such screens).
// - Blazor gave up ("failed"): keep trying with a backoff up to a minute, forever: a wall outlives any outage.
// - The server answered but the circuit is gone (it restarted): "server restarted — reloading", and reload as soon
//   as /healthz answers (reloading while it is down would leave the browser's error page, which never retries).
// - Every ReloadEvery (Wall:ReloadEvery) at a quiet moment: a clean reload, a fresh page and a fresh circuit, so
//   neither the browser nor the server side accumulates for weeks (the Aspire dashboard's issue #16695: after about
//   35 h of continuous live data its Blazor UI stopped rendering while the WebSocket stayed connected).

const MaxBackoffMs = 60_000;

let screen = null;

export function start(options) {
    if (screen) {
        screen.options = options;
        return;
    }

    screen = { options, reconnecting: false, reloading: false, version: null, versionSince: performance.now() };
    document.getElementById("components-reconnect-modal")
        ?.addEventListener("components-reconnect-state-changed", onReconnectStateChanged);
    setInterval(reloadWhenDue, options.checkEveryMs ?? 30_000);
}

function unattended() {
    return document.querySelector("[data-unattended]") !== null;
}

function status(text) {
    const line = document.querySelector("[data-unattended-status]");
    if (!line) {
        return;
    }

    line.textContent = text ?? "";
    line.hidden = !text;
    line.dataset.state = text ? screen.phase ?? "" : "";
}

function phase(name, text) {
    screen.phase = name;
    status(text);
}

function onReconnectStateChanged(event) {
    if (!unattended() || screen.reloading) {
        return;
    }

    const detail = event.detail ?? {};
    switch (detail.state) {
        case "show":
            screen.reconnecting = true;
            phase("reconnecting", "reconnecting…");
            break;
        case "retrying":
            screen.reconnecting = true;
            phase("reconnecting", detail.secondsToNextAttempt > 0
                ? `reconnecting… (attempt ${detail.currentAttempt}, next in ${detail.secondsToNextAttempt} s)`
                : "reconnecting…");
            break;
        case "hide":
            screen.reconnecting = false;
            screen.phase = null;
            status(null);
            break;
        case "rejected":
            reloadWhenServerAnswers("server restarted — reloading");
            break;
        case "failed":
            keepTrying();
            break;
        case "paused":
        case "resume-failed":
            resume();
            break;
    }
}

async function keepTrying() {
    screen.reconnecting = true;
    for (let delay = 5_000; !screen.reloading; delay = Math.min(delay * 2, MaxBackoffMs)) {
        phase("reconnecting", `reconnecting… (server unreachable, next try in ${Math.round(delay / 1000)} s)`);
        await sleep(delay);
        try {
            // true: back on the same circuit; false: the server answered but no longer knows the circuit.
            if (await Blazor.reconnect()) {
                connected();
                return;
            }

            await resume();
            return;
        } catch {
            // Still unreachable: try again later.
        }
    }
}

async function resume() {
    try {
        if (await Blazor.resumeCircuit()) {
            connected();
            return;
        }
    } catch {
        // Fall through to a reload: a fresh page is always a way back.
    }

    reloadWhenServerAnswers("server restarted — reloading");
}

function connected() {
    screen.reconnecting = false;
    screen.phase = null;
    status(null);
}

async function reloadWhenServerAnswers(text) {
    if (screen.reloading) {
        return;
    }

    screen.reloading = true;
    phase("reloading", text);
    for (let delay = 1_000; ; delay = Math.min(delay * 2, MaxBackoffMs / 2)) {
        if (await serverAnswers()) {
            location.reload();
            return;
        }

        phase("reloading", `${text} (waiting for the server, next try in ${Math.round(delay / 1000)} s)`);
        await sleep(delay);
    }
}

// The periodic clean reload: due after ReloadEvery since this page loaded, and only at a quiet moment: connected,
// no reconnect under way, the wall's incidents and rollout unchanged for QuietFor, and the server answering.
async function reloadWhenDue() {
    if (!unattended() || screen.reconnecting || screen.reloading) {
        return;
    }

    const now = performance.now();
    const version = document.querySelector("[data-wall-version]")?.dataset.wallVersion ?? null;
    if (version !== screen.version) {
        screen.version = version;
        screen.versionSince = now;
    }

    if (now < screen.options.reloadEveryMs || now - screen.versionSince < screen.options.quietMs) {
        return;
    }

    if (await serverAnswers() && !screen.reconnecting) {
        screen.reloading = true;
        phase("refreshing", "refreshing the page");
        location.reload();
    }
}

async function serverAnswers() {
    try {
        const response = await fetch(new URL("healthz", document.baseURI), { cache: "no-store", credentials: "same-origin" });
        return response.ok;
    } catch {
        return false;
    }
}

function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}
