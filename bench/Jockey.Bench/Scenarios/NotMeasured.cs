namespace Jockey.Bench.Scenarios;

/// <summary>Scenarios 4 and 5 need features that other issues build; until those land the report says so, and why.</summary>
public static class NotMeasured
{
    public static string Narration(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src", "Jockey.ApiService"), "*.cs", SearchOption.AllDirectories).Any(f => File.ReadAllText(f).Contains("/api/ws/audio"))
            ? "Not measured: the narration WebSocket is in the API now, but this harness has no narration driver yet."
            : "Not measured: narration (issue 5: POST → first binary frame on /api/ws/audio/{thread_id}, synthesis × real time) is not on main yet.";

    public static string LocalAgent(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src", "Jockey.LocalAgent"), "*.cs", SearchOption.AllDirectories).Any(f => File.ReadAllText(f).Contains("runs/stream"))
            ? "Not measured: the local agent serves runs now, but this harness has no montage driver yet."
            : "Not measured: the local agent (search on the sample index, 30-second montage render) is not on main yet; only its skeleton is.";
}
