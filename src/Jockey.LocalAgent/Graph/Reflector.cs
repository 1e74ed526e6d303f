using System.Globalization;
using System.Text;
using Jockey.LocalAgent.Library;

namespace Jockey.LocalAgent.Graph;

/// <summary>
/// Jockey's last node: tells the user what happened. The wording comes from rules (or the LLM, given the same facts);
/// when nothing was found it lists what the index holds instead, so the user knows what to ask for.
/// </summary>
public sealed class Reflector(MediaLibrary library, LlmAssistant llm)
{
    public async Task<string> ReflectAsync(string userText, Outcome outcome, CancellationToken ct)
    {
        var facts = await FactsAsync(outcome, ct);
        return await llm.ReflectAsync(userText, facts, ct) ?? facts;
    }

    private async Task<string> FactsAsync(Outcome o, CancellationToken ct)
    {
        var sb = new StringBuilder();
        if (o.IndexNote is not null) sb.Append(o.IndexNote).Append(' ');
        var query = Workers.QueryWords(o.Plan.Query);

        if (o.Problem is not null)
            sb.Append("I couldn't finish that: ").Append(o.Problem);
        else if (o.NothingFound || o.Plan.Intent == Intent.Help)
            sb.Append(await HelpAsync(o, query, ct));
        else if (o.Render is { } render)
        {
            // The file's name and the clip count are in the timeline's details; the reply says what is in the video.
            sb.Append(CultureInfo.InvariantCulture, $"Here is your {Math.Round(render.Duration):0}-second video");
            sb.Append(o.Plan.Intent switch
            {
                Intent.Shorter when o.Plan.Seconds is not null => ": the previous one fitted to the length you asked for.",
                Intent.Shorter => ": a shorter cut of the previous one.",
                Intent.DropClip => $", without {o.Dropped ?? (o.Plan.Ordinal == -1 ? "the last clip" : $"clip {o.Plan.Ordinal}")}.",
                Intent.AddClip => $", now with {And(o.Hits.Select(h => h.VideoTitle))} added at the end.",
                _ => $": {And(o.Hits.Select(Describe))}.",
            });
            if (o.Plan.Seconds is { } asked && render.Duration < asked - 1)
                sb.Append(CultureInfo.InvariantCulture, $" That is all the matching footage there is, so it is shorter than the {asked:0.#} s you asked for.");
            sb.Append(" Say “make it shorter”, “drop the second clip” or “add the … one” to change it.");
        }
        else if (o.Text is not null)
            // The text itself is the tool's result, shown once above this reply; repeating it would print it twice.
            sb.Append(CultureInfo.InvariantCulture, $"That is the {o.Plan.TextKind}. Ask for a montage to see the clips cut together.");
        else if (o.Hits.Count > 0)
            sb.Append(CultureInfo.InvariantCulture, $"I found {o.Hits.Count} clip(s) for “{query}”: {string.Join("; ", o.Hits.Select(Describe))}.")
              .Append(" Ask for a montage to combine them.");
        return sb.ToString().Trim();
    }

    private async Task<string> HelpAsync(Outcome o, string query, CancellationToken ct)
    {
        var index = await library.GetIndexAsync(o.IndexId, ct);
        var videos = index?.Videos ?? [];
        var lead = o.NothingFound
            ? $"I couldn't find anything about “{query}” in the “{o.IndexId}” index, so I made no video."
            : "I can search your videos, combine clips into a montage, and summarize what they show.";
        if (videos.Count == 0)
            return $"{lead} The “{o.IndexId}” index has no videos yet: copy some into its folder or upload them with POST /indexes/{o.IndexId}/videos.";
        var listing = string.Join("; ", videos.Take(12).Select(v => v.Tags.Count > 0 ? $"{v.Title} ({string.Join(", ", v.Tags.Take(3))})" : v.Title));
        var example = videos[0].Tags.FirstOrDefault() ?? videos[0].Title.ToLowerInvariant();
        return $"{lead} It holds {videos.Count} video(s): {listing}{(videos.Count > 12 ? "; …" : "")}. " +
               $"Try “show me {example}” or “make a montage of {example} and {(videos.Count > 1 ? videos[^1].Tags.FirstOrDefault() ?? videos[^1].Title.ToLowerInvariant() : example)}”.";
    }

    /// <summary>"A", "A and B", "A, B and C".</summary>
    private static string And(IEnumerable<string> parts)
    {
        var list = parts.ToList();
        return list.Count < 2 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }

    private static string Describe(Search.Segment s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.VideoTitle} ({Clock(s.Start)}–{Clock(s.End)})");

    private static string Clock(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
