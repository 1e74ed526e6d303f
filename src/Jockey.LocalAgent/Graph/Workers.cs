using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.LocalAgent.Editing;
using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Graph;

/// <summary>
/// The three workers — video-search (simple-video-search), video-editing (combine-clips, remove-segment) and
/// video-text-generation (gist, summarize) — and which of them a plan needs, in order.
/// </summary>
public sealed class Workers(VideoSearch search, Renderer renderer, MediaLibrary library)
{
    private const int SearchLimit = 5, MontageLimit = 6;

    public IReadOnlyList<Step> StepsFor(PlanRequest plan, string indexId, LastVideo? last)
    {
        var query = QueryWords(plan.Query);
        return (plan.Intent, last) switch
        {
            (Intent.Search, _) => [SearchStep(indexId, query, SearchLimit)],
            (Intent.Montage, _) => [SearchStep(indexId, query, MontageLimit),
                CombineStep(indexId, Names.Slug(query.Replace(' ', '_'), 40) + "_montage", null, plan.Seconds)],
            (Intent.Text, _) when query.Length > 0 => [SearchStep(indexId, query, SearchLimit), TextStep(indexId, plan.TextKind, null)],
            (Intent.Text, _) => [TextStep(indexId, plan.TextKind, last)],
            // Shorter by 40% unless a length was asked for ("make it 10 seconds"), which may also be longer.
            (Intent.Shorter, not null) => plan.Seconds is { } length
                ? [CombineStep(last.IndexId, $"{Stem(last.FileName)}_{Seconds(length)}s", last.Clips, length)]
                : [CombineStep(last.IndexId, Stem(last.FileName) + "_shorter", Shorten(last.Clips), null)],
            (Intent.DropClip, not null) => [RemoveStep(last, plan.Ordinal ?? -1)],
            (Intent.AddClip, not null) => [SearchStep(last.IndexId, query, 1), CombineStep(last.IndexId, Stem(last.FileName) + "_plus", last.Clips, plan.Seconds)],
            _ => [],
        };
    }

    /// <summary>The words of a request that can match anything, in their original form ("a montage of sunsets" → "sunsets").</summary>
    public static string QueryWords(string text) =>
        string.Join(' ', text.Split([' ', ',', '.', '!', '?', ';', ':', '"', '“', '”'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => TextAnalyzer.Terms(w).Count > 0));

    private Step SearchStep(string indexId, string query, int limit) => new("video-search",
        $"Search the “{indexId}” index for “{query}” with simple-video-search.", async (scope, outcome, ct) =>
        {
            var args = new JsonObject { ["query"] = query, ["index_id"] = indexId, ["top_k"] = limit };
            var toolRun = scope.ToolStart("simple-video-search", args);
            var (hits, coverage) = await search.SearchAsync(indexId, query, scope.Run.BaseUrl, limit, ct);
            // While the index is being built a search covers only part of it; the web app shows this as a progress bar.
            if (!coverage.Complete)
                scope.Custom("progress", new JsonObject
                {
                    ["stage"] = "indexing", ["percent"] = Math.Round(coverage.Indexed * 100.0 / coverage.Total),
                    ["message"] = $"Searched the videos indexed so far: {coverage} in “{indexId}”; the rest are still being indexed.",
                });
            var output = JsonSerializer.SerializeToNode(hits, Protocol.Json.Wire)!.AsArray();
            scope.ToolEnd("simple-video-search", toolRun, args, output);
            outcome.Hits.AddRange(hits);
            outcome.NothingFound = hits.Count == 0;
            return WorkerResult(scope, ThreadMemory.ToolCall("simple-video-search", args, output), new() { ["clips_from_search"] = output.DeepClone() });
        });

    /// <summary>Renders <paramref name="baseClips"/> followed by this run's search hits, fitted to <paramref name="seconds"/> when given.</summary>
    private Step CombineStep(string indexId, string outputName, IReadOnlyList<ClipSpec>? baseClips, double? seconds) => new("video-editing",
        $"Combine the clips into one video named “{outputName}”{(seconds is { } length ? $" lasting {Seconds(length)} seconds" : "")} with combine-clips.", async (scope, outcome, ct) =>
        {
            var ordered = outcome.Hits.OrderBy(h => h.QueryOrder).ToList();
            outcome.Hits.Clear();
            outcome.Hits.AddRange(ordered);
            IReadOnlyList<ClipSpec> clips = [.. baseClips ?? [], .. ordered.Select(h => new ClipSpec(h.VideoId, h.Start, h.End))];
            if (seconds is { } target && await library.GetIndexAsync(indexId, ct) is { } index)
                clips = DurationFit.Fit(clips, c => index.Find(c.VideoId)?.Media.Duration ?? c.End, target);
            var args = new JsonObject
            {
                ["clips"] = ThreadMemory.ClipsJson(indexId, clips), ["output_filename"] = outputName + ".mp4", ["index_id"] = indexId,
            };
            return await RenderAsync(scope, outcome, "combine-clips", args, indexId,
                progress => renderer.CombineAsync(indexId, clips, outputName, progress, ct));
        });

    private Step RemoveStep(LastVideo last, int ordinal) => new("video-editing",
        $"Remove clip {(ordinal == -1 ? "the last" : ordinal.ToString())} from {last.FileName} with remove-segment.", async (scope, outcome, ct) =>
        {
            var n = ordinal == -1 ? last.Clips.Count : ordinal;
            if (n < 1 || n > last.Clips.Count)
            {
                outcome.Problem = $"{last.FileName} has {last.Clips.Count} clip(s), so there is no clip {ordinal} to drop.";
                return WorkerResult(scope, ThreadMemory.ToolCall("remove-segment", new JsonObject { ["index_id"] = last.IndexId }, Error(outcome.Problem)));
            }
            var start = last.Clips.Take(n - 1).Sum(c => c.End - c.Start);
            var end = start + last.Clips[n - 1].End - last.Clips[n - 1].Start;
            var remaining = last.Clips.Where((_, i) => i != n - 1).ToList();
            outcome.Dropped = (await library.GetIndexAsync(last.IndexId, ct))?.Find(last.Clips[n - 1].VideoId)?.Title;
            var outputName = Stem(last.FileName) + $"_without_{n}";
            var args = new JsonObject
            {
                ["index_id"] = last.IndexId, ["video_file"] = last.FileName, ["start"] = Math.Round(start, 3), ["end"] = Math.Round(end, 3),
                ["output_filename"] = outputName + ".mp4", ["clips"] = ThreadMemory.ClipsJson(last.IndexId, remaining),
            };
            return await RenderAsync(scope, outcome, "remove-segment", args, last.IndexId,
                progress => renderer.RemoveSegmentAsync(last.IndexId, last.FileName, start, end, outputName, progress, ct));
        });

    private Step TextStep(string indexId, string kind, LastVideo? last) => new("video-text-generation",
        $"Write a {kind} of the {(last is null ? "found clips" : "current video")} with {(kind == "summary" ? "summarize" : "gist")}.", async (scope, outcome, ct) =>
        {
            var index = await library.GetIndexAsync(last?.IndexId ?? indexId, ct);
            var sources = outcome.Hits.Count > 0
                ? outcome.Hits.Select(h => (h.VideoTitle, h.Transcript)).ToList()
                : (last?.Clips.Select(c => c.VideoId) ?? index?.Videos.Select(v => v.VideoId) ?? [])
                    .Select(id => index?.Find(id)).OfType<VideoEntry>()
                    .Select(v => (v.Title, string.Join(' ', v.Cues.Select(c => c.Text)))).ToList();
            var tool = kind == "summary" ? "summarize" : "gist";
            var args = new JsonObject { ["index_id"] = indexId, ["kind"] = kind, ["video_ids"] = new JsonArray(sources.Select(s => (JsonNode)s.Item1).ToArray()) };
            var toolRun = scope.ToolStart(tool, args);
            outcome.Text = TextGenerator.Generate(kind, sources);
            scope.ToolEnd(tool, toolRun, args, outcome.Text);
            return WorkerResult(scope, ThreadMemory.ToolCall(tool, args, outcome.Text));
        });

    private static async Task<JsonObject> RenderAsync(NodeScope scope, Outcome outcome, string tool, JsonObject args, string indexId,
        Func<IProgress<RenderProgress>, Task<RenderResult>> render)
    {
        var toolRun = scope.ToolStart(tool, args);
        JsonNode output;
        try
        {
            var result = await render(new InlineProgress(p =>
            {
                if (p.Playlist is { } playlist)
                {
                    // Not a LangGraph or Jockey event: the agent's own (docs/local-agent.md, "Watching a render").
                    scope.Custom("preview", new JsonObject { ["playlist_url"] = Files.FileUrls.File(scope.Run.BaseUrl, indexId, playlist), ["message"] = p.Message });
                }
                else scope.Custom("progress", new JsonObject { ["stage"] = p.Stage, ["percent"] = p.Percent, ["message"] = p.Message });
            }));
            outcome.Render = result;
            output = Files.FileUrls.File(scope.Run.BaseUrl, indexId, result.FileName);
        }
        catch (RenderException ex)
        {
            outcome.Problem = ex.Message;
            output = Error(ex.Message);
        }
        scope.ToolEnd(tool, toolRun, args, output);
        return WorkerResult(scope, ThreadMemory.ToolCall(tool, args, output.DeepClone()));
    }

    /// <summary>A worker's partial state: its message holding the tool call, plus <paramref name="extra"/> keys.</summary>
    private static JsonObject WorkerResult(NodeScope scope, JsonObject toolCall, JsonObject? extra = null)
    {
        var update = extra ?? [];
        update["chat_history"] = new JsonArray(ChatMessage.Human(scope.Node, ThreadMemory.ToolCallsContent(toolCall)).ToJson());
        return update;
    }

    private static string Seconds(double value) => value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Error(string message) => new() { ["error"] = "EditingError", ["message"] = message };

    /// <summary>Each clip at 60% of its length around its middle (at least a second), so the result is always shorter.</summary>
    private static List<ClipSpec> Shorten(IReadOnlyList<ClipSpec> clips) => clips.Select(c =>
    {
        var length = c.End - c.Start;
        var keep = Math.Min(length, Math.Max(1.0, length * 0.6));
        var mid = (c.Start + c.End) / 2;
        return new ClipSpec(c.VideoId, Math.Round(mid - keep / 2, 2), Math.Round(mid + keep / 2, 2));
    }).ToList();

    /// <summary>"sunrise_montage_1a2b3c4d.mp4" → "sunrise_montage": the name without the random suffix a render added.</summary>
    private static string Stem(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var underscore = stem.LastIndexOf('_');
        return underscore > 0 && stem.Length - underscore == 9 ? stem[..underscore] : stem;
    }

    /// <summary>Reports on the caller's thread, in order; <see cref="Progress{T}"/> would post to the thread pool and could reorder.</summary>
    private sealed class InlineProgress(Action<RenderProgress> report) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => report(value);
    }
}
