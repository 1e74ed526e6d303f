namespace Jockey.AppHost.Dashboard;

/// <summary>The dashboard's single page: a resource table refreshed every second and a live log tail.</summary>
internal static class DashboardPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jockey AppHost</title>
<style>
  :root { color-scheme: dark; --bg:#0f1117; --panel:#171a23; --line:#262b38; --text:#e6e8ee; --dim:#8b93a7;
          --ok:#3ecf8e; --warn:#f5b942; --bad:#f0616d; --accent:#7aa2ff; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, sans-serif; background:var(--bg); color:var(--text); }
  header { padding:14px 20px; border-bottom:1px solid var(--line); display:flex; gap:12px; align-items:baseline; }
  header h1 { font-size:17px; margin:0; } header span { color:var(--dim); }
  main { padding:16px 20px; display:grid; gap:16px; }
  table { width:100%; border-collapse:collapse; background:var(--panel); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
  th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { color:var(--dim); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
  tr.selected td { background:#1f2431; } tbody tr { cursor:pointer; }
  .pill { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; border:1px solid currentColor; }
  .Healthy { color:var(--ok); } .Unhealthy, .FailedToStart { color:var(--bad); } .Unknown, .Waiting, .Starting, .Exited, .Stopping { color:var(--warn); }
  .Running { color:var(--ok); } .Finished, .NotStarted { color:var(--dim); }
  a { color:var(--accent); } .error { color:var(--bad); font-size:12px; }
  #log { background:#0a0c11; border:1px solid var(--line); border-radius:8px; height:46vh; overflow:auto; padding:10px;
         font:12px/1.5 ui-monospace, monospace; white-space:pre-wrap; }
  #log .err { color:#ff9aa2; } #logtitle { margin:0; font-size:14px; color:var(--dim); }
</style>
</head>
<body>
<header><h1>Jockey AppHost</h1><span id="summary">loading…</span></header>
<main>
  <table aria-label="Resources">
    <thead><tr><th>Resource</th><th>Kind</th><th>State</th><th>Health</th><th>PID</th><th>Replica</th><th>Endpoints</th><th>Started</th><th>Restarts</th></tr></thead>
    <tbody id="rows"></tbody>
  </table>
  <h2 id="logtitle">Select a resource to tail its log</h2>
  <div id="log" role="log" aria-live="polite"></div>
</main>
<script>
let selected = null, source = null;
const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function refresh() {
  try {
    const res = await (await fetch('/api/resources')).json();
    const healthy = res.filter(r => r.state === 'Running' && r.health === 'Healthy').length;
    document.getElementById('summary').textContent = `${healthy} of ${res.length} healthy · updated ${new Date().toLocaleTimeString()}`;
    document.getElementById('rows').innerHTML = res.map(r => `
      <tr data-instance="${esc(r.instance_name)}" data-log="${esc(r.log_instance)}" data-kind="${esc(r.kind)}" class="${r.instance_name === selected ? 'selected' : ''}">
        <td><strong>${esc(r.instance_name)}</strong>${r.error ? `<div class="error">${esc(r.error)}</div>` : ''}</td>
        <td>${esc(r.kind)}</td><td><span class="pill ${r.state}">${r.state}</span></td>
        <td><span class="pill ${r.health}">${r.health}</span></td><td>${r.pid ?? ''}</td><td>${r.replica}</td>
        <td>${r.endpoints.map(e => e.startsWith('http') ? `<a href="${esc(e)}" target="_blank" rel="noopener">${esc(e)}</a>` : esc(e)).join('<br>')}</td>
        <td>${r.started_at ? new Date(r.started_at).toLocaleTimeString() : ''}</td><td>${r.restarts}</td></tr>`).join('');
  } catch { document.getElementById('summary').textContent = 'AppHost not reachable'; }
}
document.getElementById('rows').addEventListener('click', e => {
  const row = e.target.closest('tr'); if (!row || e.target.tagName === 'A') return;
  tail(row.dataset.instance, row.dataset.log, row.dataset.kind);
});
// A child resource (blobs) shows the log of the process that serves it; an external service has none.
function tail(instance, logInstance, kind) {
  selected = instance; source?.close(); source = null;
  const log = document.getElementById('log'); log.textContent = '';
  const title = document.getElementById('logtitle');
  if (!logInstance) {
    title.textContent = `${instance} has no log`;
    log.textContent = `${instance} is an ${kind.toLowerCase()}: the AppHost runs no process for it.`;
    refresh(); return;
  }
  title.textContent = logInstance === instance ? `Log of ${instance}` : `Log of ${logInstance} (which serves ${instance})`;
  source = new EventSource(`/api/resources/${encodeURIComponent(logInstance)}/logs`);
  source.addEventListener('log', e => {
    const line = JSON.parse(e.data), div = document.createElement('div');
    if (line.is_error) div.className = 'err';
    div.textContent = `${new Date(line.time).toLocaleTimeString()}  ${line.text}`;
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
    log.appendChild(div); while (log.childElementCount > 3000) log.firstChild.remove();
    if (atBottom) log.scrollTop = log.scrollHeight;
  });
  refresh();
}
refresh(); setInterval(refresh, 1000);
</script>
</body>
</html>
""";
}
