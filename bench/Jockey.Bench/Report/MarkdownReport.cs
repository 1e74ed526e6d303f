using System.Globalization;
using System.Text;
using Jockey.Bench.Scenarios;

namespace Jockey.Bench.Report;

/// <summary>The generated tables of docs/benchmarks.md: medians with min–max over the repetitions, Jockey ÷ peer, and the targets.</summary>
public static class MarkdownReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchResults results, string jsonPath)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"_Last run: {results.StartedAt:yyyy-MM-dd HH:mm} UTC, {(results.FinishedAt - results.StartedAt).TotalMinutes:0.0} min; raw figures in `{jsonPath}`. " +
            $"Cells are the median over repetitions with (min–max); counts of lost/duplicated/out-of-order events are totals over all runs._");
        md.AppendLine();
        md.AppendLine("| machine | |").AppendLine("|---|---|");
        foreach (var (key, value) in results.Machine) md.AppendLine(Invariant, $"| {key} | {value} |");
        md.AppendLine();

        Section(md, results, FanOutScenario.Name, "Scenario 1 — cross-replica fan-out (subscribers on replica A, one thread, events produced on replica B)",
            [("p50 ms", "p50_ms", "0.0"), ("p90 ms", "p90_ms", "0.0"), ("p99 ms", "p99_ms", "0.0"), ("max ms", "max_ms", "0"),
             ("events/s", "events_per_s", "N0"), ("deliveries/s", "deliveries_per_s", "N0"),
             ("A CPU µs/delivery", "cpu_a_us_per_delivery", "0.0"), ("bench CPU µs/delivery", "cpu_bench_us_per_delivery", "0.0"), ("B CPU µs/event", "cpu_b_us_per_event", "0")]);
        Ratios(md, results, FanOutScenario.Name, [("p50", "p50_ms"), ("p99", "p99_ms"), ("deliveries/s", "deliveries_per_s"), ("A CPU per delivery", "cpu_a_us_per_delivery")]);

        Section(md, results, CapacityScenario.Name, "Scenario 2 — capacity (all connections on one server process, one thread)",
            [("connected", "connections", "N0"), ("connect all s", "connect_all_s", "0.0"), ("RSS MiB", "rss_mib", "N0"), ("KiB/conn", "kib_per_connection", "0.0"),
             ("idle CPU %", "idle_cpu_pct", "0.00"), ("of it JIT %", "idle_cpu_compiler_pct", "0.00"),
             ("idle CPU % unconnected", "idle_cpu_unconnected_pct", "0.00"), ("of it JIT %", "idle_cpu_unconnected_compiler_pct", "0.00"), ("broadcast p50 ms", "broadcast_p50_ms", "N0"), ("broadcast last ms", "broadcast_last_ms", "N0"),
             ("alone p50 ms", "alone_p50_ms", "N0"), ("alone last ms", "alone_last_ms", "N0")]);
        Ratios(md, results, CapacityScenario.Name, [("connect all", "connect_all_s"), ("RSS", "rss_mib"), ("idle CPU", "idle_cpu_pct"), ("broadcast last", "broadcast_last_ms"), ("alone last", "alone_last_ms")]);

        Section(md, results, RedisBreakScenario.Name, "Scenario 7 — a Redis break (every replica's subscription connections killed; the clients reconnect as the web app's do; a run's event published meanwhile; seconds from the break)",
            [("connected", "connections", "N0"), ("not closed", "not_closed", "0"), ("closed p50 s", "closed_p50_s", "0.00"), ("last s", "closed_last_s", "0.00"), ("subscribed again p50 s", "back_p50_s", "0.00"), ("last s", "back_last_s", "0.00"),
             ("event held p50 s", "event_p50_s", "0.00"), ("last s", "event_last_s", "0.00"), ("failed reconnects", "refusals", "N0"), ("most for one client", "refusals_max", "0"),
             ("replica CPU s", "cpu_s", "0.00"), ("replica CPU %", "cpu_pct", "0")]);

        Section(md, results, ManyThreadsScenario.Name, "Scenario 3 — many threads, one subscriber each, all running at once",
            [("all POSTs s", "start_all_s", "0.00"), ("all done s", "all_done_s", "0.00"), ("p50 ms", "p50_ms", "0.0"), ("p99 ms", "p99_ms", "0.0"),
             ("max ms", "max_ms", "0"), ("deliveries/s", "deliveries_per_s", "N0")]);

        Section(md, results, NarrationScenario.Name, "Scenario 4 — narration (audio WebSocket on replica A, `POST /api/process` on replica B; 5 prompts per run)",
            [("first byte p50 ms", "first_byte_p50_ms", "0.0"), ("first byte max ms", "first_byte_max_ms", "0.0"), ("audio s", "audio_s", "0.0"),
             ("synthesis × real time", "speed_x_realtime", "0"), ("POST answered p50 ms", "post_p50_ms", "0")], counts: false);

        Section(md, results, AgentScenario.SearchName, "Scenario 5 — local agent search (POST of a \"find …\" run → its search result frame)",
            [("search p50 ms", "search_p50_ms", "0.0"), ("search max ms", "search_max_ms", "0.0"), ("whole run p50 ms", "search_run_p50_ms", "0"),
             ("sample index ready s", "agent_ready_s", "0.0")], counts: false);
        Section(md, results, AgentScenario.MontageName, "Scenario 5 — local agent montage render (combine-clips, ffmpeg)",
            [("video s", "video_s", "0.0"), ("render s", "render_s", "0.00"), ("render s per 30 s of video", "render_per_30s_video_s", "0.00"),
             ("× real time", "speed_x_realtime", "0.0"), ("whole run s", "run_s", "0.0")], counts: false);

        Section(md, results, PreviewScenario.Name, "Scenario 5 — the montage watched while it renders (Chromium: the timeline's rendering bar → the preview's first frame; a segment through the API's proxy vs copied to Azurite)",
            [("first preview frame s", "first_preview_frame_s", "0.00"), ("of it: event reaches page s", "preview_event_s", "0.00"), ("event → frame s", "preview_event_to_frame_s", "0.00"),
             ("preview after submit s", "first_preview_frame_after_submit_s", "0.00"),
             ("final video after submit s", "final_frame_after_submit_s", "0.00"), ("segment via proxy p50 ms", "segment_proxy_p50_ms", "0.0"),
             ("segment blob upload p50 ms", "segment_blob_copy_p50_ms", "0.0"), ("segment blob read p50 ms", "segment_blob_read_p50_ms", "0.0")], counts: false);

        Section(md, results, LibrarySizeScenario.Name, "Scenario 5 — local agent library sizes (one index of N videos; cold: a fresh index, seconds from the agent's start; then after a restart)",
            [("cold: serving s", "cold_serving_s", "0.0"), ("cold: first results s", "cold_first_results_s", "0.0"), ("cold: all indexed s", "cold_indexed_s", "0.0"),
             ("restart: first search answered s after the agent's start", "restart_first_search_s", "0.00"), ("… after the orchestrator's start s", "restart_orchestrated_s", "0.0"),
             ("search p50 ms", "search_p50_ms", "0.0"), ("search max ms", "search_max_ms", "0.0"),
             ("POST → result p50 ms", "result_p50_ms", "0.0"), ("POST → result max ms", "result_max_ms", "0.0"), ("videos matching %", "hits_pct", "0.0"), ("RSS MiB", "rss_mib", "0")], counts: false);

        Section(md, results, ColdStartScenario.Name, "Scenario 6 — AppHost cold start (seconds from StartAsync until each resource is healthy)",
            [("redis", "redis_healthy_s", "0.0"), ("storage", "storage_healthy_s", "0.0"), ("jockey", "jockey_healthy_s", "0.0"),
             ("apiservice", "apiservice_healthy_s", "0.0"), ("web", "web_healthy_s", "0.0"), ("all healthy", "all_healthy_s", "0.0"),
             ("sample index ready", "sample_ready_s", "0.0")], counts: false);

        Targets.Render(md, results);
        return md.ToString();
    }

    private static void Section(StringBuilder md, BenchResults results, string scenario, string title, (string Header, string Figure, string Format)[] columns, bool counts = true)
    {
        var rows = results.Rows.Where(r => r.Scenario == scenario).ToList();
        if (rows.Count == 0) return;
        md.AppendLine(Invariant, $"### {title}").AppendLine();
        var headers = new List<string> { "system", "case", "runs" };
        headers.AddRange(columns.Select(c => c.Header));
        if (counts) headers.AddRange(["lost", "dup", "out of order"]);
        md.AppendLine("| " + string.Join(" | ", headers) + " |");
        md.AppendLine("|" + string.Concat(headers.Select(_ => "---|")));
        foreach (var row in rows)
        {
            var cells = new List<string> { row.Label, row.Case, row.Runs.Count.ToString(Invariant) };
            cells.AddRange(columns.Select(c => Cell(row.Summarize(c.Figure), c.Format)));
            if (counts)
            {
                cells.Add(Total(row, "lost", "seq_gaps"));
                cells.Add(Total(row, "duplicated"));
                cells.Add(Total(row, "out_of_order"));
            }
            if (row.Runs.Any(r => r.GetValueOrDefault("timed_out") > 0)) cells[1] += " ⚠ timed out";
            md.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        md.AppendLine();
    }

    /// <summary>Jockey ÷ peer per figure and case: below 1 is better for times and memory, above 1 for rates.</summary>
    private static void Ratios(StringBuilder md, BenchResults results, string scenario, (string Header, string Figure)[] figures)
    {
        var rows = results.Rows.Where(r => r.Scenario == scenario).ToList();
        var peers = rows.Where(r => r.System == "peer").ToDictionary(r => r.Case);
        var jockey = rows.Where(r => r.System == "jockey" && peers.ContainsKey(r.Case)).ToList();
        if (jockey.Count == 0) return;
        md.AppendLine("Jockey ÷ peer (medians; for times, memory and CPU below 1 means Jockey is better, for rates above 1):").AppendLine();
        md.AppendLine("| Jockey | case | " + string.Join(" | ", figures.Select(f => f.Header)) + " |");
        md.AppendLine("|---|---|" + string.Concat(figures.Select(_ => "---|")));
        foreach (var row in jockey)
        {
            var peer = peers[row.Case];
            var ratios = figures.Select(f => Ratio(row.Summarize(f.Figure).Median, peer.Summarize(f.Figure).Median));
            md.AppendLine($"| {row.Transport} | {row.Case} | {string.Join(" | ", ratios)} |");
        }
        md.AppendLine();
    }

    public static string Ratio(double jockey, double peer) =>
        double.IsNaN(jockey) || double.IsNaN(peer) || peer == 0 ? "–" : (jockey / peer).ToString("0.00", Invariant) + "×";

    public static string Cell(Summary s, string format) =>
        s.Count == 0 ? "–"
        : s.Count == 1 || s.Min == s.Max ? s.Median.ToString(format, Invariant)
        : $"{s.Median.ToString(format, Invariant)} ({s.Min.ToString(format, Invariant)}–{s.Max.ToString(format, Invariant)})";

    private static string Total(ResultRow row, params string[] figures) =>
        row.Runs.Sum(r => figures.Sum(f => r.GetValueOrDefault(f))).ToString("0", Invariant);
}
