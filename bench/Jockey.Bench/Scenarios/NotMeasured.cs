namespace Jockey.Bench.Scenarios;

/// <summary>Scenario 4 needs the narration feature (issue 5); until it lands the report says so, and why.</summary>
public static class NotMeasured
{
    public static string Narration(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src", "Jockey.ApiService"), "*.cs", SearchOption.AllDirectories).Any(f => File.ReadAllText(f).Contains("/api/ws/audio"))
            ? "Not measured: the narration WebSocket is in the API now, but this harness has no narration driver yet."
            : "Not measured: narration (issue 5: POST → first binary frame on /api/ws/audio/{thread_id}, synthesis × real time) is not on main yet.";
}
