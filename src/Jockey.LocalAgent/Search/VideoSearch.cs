using System.Collections.Concurrent;
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

/// <summary>
/// Ranks each video of an index against a query with BM25: every subtitle cue is a document, and so is the video's
/// metadata (title twice, tags, description). A video's score is its metadata score plus its best cue run; its segment
/// is the run of matching cues, padded to at least <see cref="MinSegmentSeconds"/>. Videos matching no query term are
/// not returned, so a query about something absent finds nothing.
/// </summary>
public sealed class VideoSearch(MediaLibrary library)
{
    public const double MinSegmentSeconds = 4;
    private readonly ConcurrentDictionary<string, (string Version, Corpus Corpus)> _corpora = new();

    private sealed record Corpus(Bm25 Bm25, IReadOnlyList<(VideoEntry Video, int MetaDoc, int[] CueDocs)> Videos);

    public async Task<IReadOnlyList<Segment>> SearchAsync(string indexId, string query, string baseUrl, int limit, CancellationToken ct)
    {
        var index = await library.GetIndexAsync(indexId, ct) ?? throw new KeyNotFoundException(
            $"Index '{indexId}' does not exist: copy videos into {library.IndexPath(indexId)} or upload them with POST /indexes/{indexId}/videos.");
        var terms = TextAnalyzer.Terms(query);
        if (terms.Count == 0) return [];
        var corpus = CorpusFor(index);

        var hits = new List<(Segment Segment, double Score)>();
        foreach (var (video, metaDoc, cueDocs) in corpus.Videos)
        {
            var meta = corpus.Bm25.Score(metaDoc, terms);
            var cueScores = cueDocs.Select(d => corpus.Bm25.Score(d, terms)).ToArray();
            var best = cueScores.Length == 0 ? 0 : cueScores.Max();
            if (meta + best <= 0) continue;
            var (start, end, transcript) = SegmentOf(video, cueScores);
            var order = terms.ToList().FindIndex(t => corpus.Bm25.Score(metaDoc, [t]) > 0 || cueDocs.Any(d => corpus.Bm25.Score(d, [t]) > 0));
            hits.Add((new Segment(video.VideoId, video.Title, start, end, 0, "", FileUrls.Thumbnail(baseUrl, indexId, video.VideoId, (start + end) / 2),
                FileUrls.File(baseUrl, indexId, video.FileName)) { Transcript = transcript, QueryOrder = order }, meta + best));
        }
        if (hits.Count == 0) return [];
        var top = hits.Max(h => h.Score);
        return hits.OrderByDescending(h => h.Score).ThenBy(h => h.Segment.VideoId, StringComparer.Ordinal).Take(limit)
            .Select(h => h.Segment with
            {
                Score = Math.Round(h.Score, 3),
                Confidence = h.Score >= 0.7 * top ? "high" : h.Score >= 0.4 * top ? "medium" : "low",
            })
            .ToList();
    }

    private Corpus CorpusFor(IndexSnapshot index)
    {
        if (_corpora.TryGetValue(index.IndexId, out var cached) && cached.Version == index.Version) return cached.Corpus;
        var bm25 = new Bm25();
        var videos = index.Videos.Select(v =>
        {
            var meta = bm25.Add(TextAnalyzer.Terms($"{v.Title} {v.Title} {string.Join(' ', v.Tags)} {v.Description}"));
            var cues = v.Cues.Select(c => bm25.Add(TextAnalyzer.Terms(c.Text))).ToArray();
            return (v, meta, cues);
        }).ToList();
        var corpus = new Corpus(bm25, videos);
        _corpora[index.IndexId] = (index.Version, corpus);
        return corpus;
    }

    /// <summary>The span from the first to the last matching cue (the whole video when nothing in the transcript matched), at least MinSegmentSeconds long.</summary>
    private static (double Start, double End, string Transcript) SegmentOf(VideoEntry video, double[] cueScores)
    {
        var duration = video.Media.Duration;
        var matching = Enumerable.Range(0, cueScores.Length).Where(i => cueScores[i] > 0).ToList();
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
