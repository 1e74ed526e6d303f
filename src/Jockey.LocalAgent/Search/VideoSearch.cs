using System.Text.Json.Serialization;
using Jockey.LocalAgent.Files;
using Jockey.LocalAgent.Library;

namespace Jockey.LocalAgent.Search;

/// <summary>A found segment, shaped as Jockey's <c>simple-video-search</c> output.</summary>
public sealed record Segment(
    string VideoId, string VideoTitle, double Start, double End, double Score, string Confidence, string ThumbnailUrl, string VideoUrl)
{
    [JsonIgnore] public string Transcript { get; init; } = "";

    /// <summary>Where in the query this clip's first matching word is, so a montage follows the order the user named things in.</summary>
    [JsonIgnore] public int QueryOrder { get; init; }
}

/// <summary>A search's hits, and how much of the index they cover: while it is being indexed, only what is indexed so far.</summary>
public sealed record SearchResult(IReadOnlyList<Segment> Hits, IndexingProgress Coverage);

/// <summary>
/// Ranks the videos of an index against a query with the index's FTS5 table (bm25): every subtitle cue is a
/// document, and so is the video's metadata (title twice, tags, description). A video's score is its metadata score
/// plus its best cue's; its segment is the run of matching cues, padded to at least <see cref="MinSegmentSeconds"/>.
/// Videos matching no query word are not returned, so a query about something absent finds nothing.
/// </summary>
public sealed class VideoSearch(MediaLibrary library)
{
    public const double MinSegmentSeconds = 4;

    public async Task<SearchResult> SearchAsync(string indexId, string query, string baseUrl, int limit, CancellationToken ct)
    {
        var catalog = await library.GetCatalogAsync(indexId, ct) ?? throw new KeyNotFoundException(
            $"Index '{indexId}' does not exist: copy videos into {library.IndexPath(indexId)} or upload them with POST /indexes/{indexId}/videos.");
        var coverage = catalog.Progress;
        var words = TextAnalyzer.Words(query);
        if (words.Count == 0) return new SearchResult([], coverage);
        var index = catalog.Snapshot();
        // Each word quoted, so FTS5 reads it as a term (porter-stemmed like the documents), never as query syntax.
        var matches = catalog.Store.Match(string.Join(" OR ", words.Select(w => w.Word).Distinct().Select(w => $"\"{w}\"")));

        var hits = matches.GroupBy(m => m.FileName)
            .Select(g => (Video: index.FindFile(g.Key), Matches: g.ToList()))
            .Where(h => h.Video is not null)
            .Select(h => (Video: h.Video!, h.Matches, Score: h.Matches.Where(m => m.Cue < 0).Sum(m => m.Score) + h.Matches.Where(m => m.Cue >= 0).Select(m => m.Score).DefaultIfEmpty(0).Max()))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Video.VideoId, StringComparer.Ordinal).Take(limit).ToList();
        if (hits.Count == 0) return new SearchResult([], coverage);
        var top = hits[0].Score;
        var terms = words.Select(w => w.Term).ToList();
        return new SearchResult(hits.Select(h =>
        {
            var (start, end, transcript) = SegmentOf(h.Video, h.Matches.Where(m => m.Cue >= 0).Select(m => m.Cue).ToHashSet());
            return new Segment(h.Video.VideoId, h.Video.Title, start, end, Math.Round(h.Score, 3),
                h.Score >= 0.7 * top ? "high" : h.Score >= 0.4 * top ? "medium" : "low",
                FileUrls.Thumbnail(baseUrl, indexId, h.Video.VideoId, (start + end) / 2), FileUrls.File(baseUrl, indexId, h.Video.FileName))
            {
                Transcript = transcript, QueryOrder = QueryOrder(h.Video, terms),
            };
        }).ToList(), coverage);
    }

    /// <summary>The position of the first query term the video's words hold, by the same stemmer the query was split with.</summary>
    private static int QueryOrder(VideoEntry video, List<string> terms)
    {
        var held = TextAnalyzer.Terms($"{video.Title} {string.Join(' ', video.Tags)} {video.Description} {string.Join(' ', video.Cues.Select(c => c.Text))}").ToHashSet();
        return terms.FindIndex(held.Contains);
    }

    /// <summary>The span from the first to the last matching cue (the whole video when nothing in the transcript matched), at least MinSegmentSeconds long.</summary>
    private static (double Start, double End, string Transcript) SegmentOf(VideoEntry video, HashSet<int> matchingCues)
    {
        var duration = video.Media.Duration;
        var matching = Enumerable.Range(0, video.Cues.Count).Where(matchingCues.Contains).ToList();
        if (matching.Count == 0)
        {
            var all = string.Join(' ', video.Cues.Select(c => c.Text));
            return (0, Round(duration), all);
        }
        double start = video.Cues[matching[0]].Start, end = video.Cues[matching[^1]].End;
        var transcript = string.Join(' ', video.Cues.Skip(matching[0]).Take(matching[^1] - matching[0] + 1).Select(c => c.Text));
        // Pad evenly around the spoken part; a clip shorter than the minimum is used whole.
        var pad = Math.Max(0.3, (MinSegmentSeconds - (end - start)) / 2);
        start = Math.Max(0, start - pad);
        end = Math.Min(duration, end + pad);
        if (end - start < MinSegmentSeconds)
        {
            if (start == 0) end = Math.Min(duration, MinSegmentSeconds);
            else start = Math.Max(0, end - MinSegmentSeconds);
        }
        return (Round(start), Round(end), transcript);
    }

    private static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);
}
