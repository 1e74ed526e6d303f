using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Graph;

/// <summary>Extractive text from transcripts: the sentences that share the most content words with the rest, and a title from the commonest words.</summary>
public static class TextGenerator
{
    public static string Generate(string kind, IReadOnlyList<(string Title, string Transcript)> sources)
    {
        var sentences = sources
            .SelectMany(s => SplitSentences(s.Transcript).Select(text => (s.Title, Text: text)))
            .ToList();
        var words = sentences.SelectMany(s => TextAnalyzer.Words(s.Text)).ToList();
        var frequency = words.GroupBy(w => w.Term).ToDictionary(g => g.Key, g => g.Count());
        // Hashtags show a word as it was said, not its stem ("#engines", never "#engin").
        var spoken = words.GroupBy(w => w.Term).ToDictionary(g => g.Key, g => g.GroupBy(w => w.Word).OrderByDescending(x => x.Count()).First().Key);
        var title = Title(sources);
        var topics = sources.Select(s => s.Title).Distinct().ToList();
        if (kind == "title") return title;

        // One sentence per source first, so a summary of five clips mentions all five.
        var best = sentences
            .Select((s, i) => (s, i, Score: TextAnalyzer.Terms(s.Text).Sum(t => frequency.GetValueOrDefault(t))))
            .GroupBy(x => x.s.Title)
            .Select(g => g.OrderByDescending(x => x.Score).First())
            .OrderBy(x => x.i)
            .Take(kind == "gist" ? 3 : 6)
            .Select(x => x.s.Text);
        var summary = string.Join(' ', best);
        if (kind == "gist")
        {
            var hashtags = frequency.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Take(4).Select(f => "#" + spoken[f.Key]);
            return $"Title: {title}\nTopics: {string.Join(", ", topics)}\nHashtags: {string.Join(' ', hashtags)}\nGist: {summary}";
        }
        return summary.Length > 0 ? summary : $"These clips show {string.Join(", ", topics)}.";
    }

    private static string Title(IReadOnlyList<(string Title, string Transcript)> sources) =>
        sources.Select(s => s.Title).Distinct().Count() switch
        {
            0 => "Untitled",
            1 => sources[0].Title,
            2 => $"{sources[0].Title} and {sources.Select(s => s.Title).Distinct().Last()}",
            _ => $"{sources[0].Title}, and more",
        };

    private static IEnumerable<string> SplitSentences(string text) =>
        text.Split(['.', '!', '?'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s.Length > 0).Select(s => s + ".");
}
