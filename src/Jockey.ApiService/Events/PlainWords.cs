using System.Globalization;

namespace Jockey.ApiService.Events;

/// <summary>
/// The sentences a person reads in the timeline. An event's <c>text</c> says what is happening in plain words; the
/// technical side (node, tool, query, file name, the agent's own progress message) stays in its <c>data</c>, which the
/// web app shows behind a disclosure.
/// </summary>
public static class PlainWords
{
    private const int QueryChars = 60;

    /// <summary>The supervisor handed the run to <paramref name="worker"/>.</summary>
    public static string HandOver(string worker) => worker switch
    {
        "planner" => "Planning the edit…",
        "video-search" => "Looking through your videos…",
        "video-editing" => "Editing your video…",
        "video-text-generation" => "Writing about your videos…",
        "reflect" => "Checking the result…",
        _ => "Working on it…",
    };

    public static string ToolStart(string tool, string? query, double? seconds) => tool switch
    {
        _ when IsSearch(tool) => string.IsNullOrWhiteSpace(query) ? "Looking for shots…" : $"Looking for “{Short(query)}”…",
        "combine-clips" => seconds is > 0 ? $"Cutting your {Whole(seconds.Value)}-second video…" : "Cutting your video…",
        "remove-segment" => "Taking the clip out…",
        _ when IsText(tool) => "Writing it up…",
        _ => "Working on it…",
    };

    public static string Found(int shots) => shots switch
    {
        0 => "Found nothing that matches",
        1 => "Found 1 shot",
        _ => $"Found {shots} shots",
    };

    public static string ToolFailed(string reason) => $"That step failed: {reason}";

    public const string ToolFinished = "Step finished";

    /// <summary>A render's progress in words (the bar shows the percent); other stages keep the agent's own message.</summary>
    public static string Progress(string stage, double percent, string? message) => IsRender(stage)
        ? percent >= 100 ? "Video cut" : $"Cutting your video… {percent:0}%"
        : message ?? $"{stage}: {percent:0}%";

    /// <summary>The render's preview exists: it plays while the rest is cut.</summary>
    public const string Preview = "Playing your video while it is cut…";
    public const string Saving = "Saving your video…";
    public const string VideoReady = "Your video is ready";
    public const string Done = "Done";
    public const string Cancelled = "Stopped";

    public static bool IsSearch(string tool) => tool.Contains("search", StringComparison.OrdinalIgnoreCase);

    public static bool IsText(string tool) => tool.Contains("text", StringComparison.OrdinalIgnoreCase) || tool is "gist" or "summarize" or "generate";

    private static bool IsRender(string stage) => stage is "render" or "rendering" or "combine" or "editing" or "video-editing";

    /// <summary>A long query cut at a word boundary: the whole query is in the event's data.</summary>
    private static string Short(string query)
    {
        var text = string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= QueryChars) return text;
        var cut = text.LastIndexOf(' ', QueryChars);
        return text[..(cut > 20 ? cut : QueryChars)] + "…";
    }

    private static string Whole(double seconds) => Math.Round(seconds).ToString(CultureInfo.InvariantCulture);
}
