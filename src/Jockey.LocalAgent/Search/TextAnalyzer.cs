using System.Text;

namespace Jockey.LocalAgent.Search;

/// <summary>Lower-cases, splits on non-letters, drops stop words and applies a light suffix stemmer (waves → wave, hiking ≈ hike).</summary>
public static class TextAnalyzer
{
    // Common English words plus the words people wrap around a query ("show me a clip of …"), which say nothing about content.
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "her", "his", "i", "in", "into", "is", "it",
        "its", "me", "my", "of", "on", "one", "or", "our", "she", "so", "some", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "those", "to", "up", "us", "was", "we", "were", "what", "when", "where", "which", "who", "with", "you", "your",
        "all", "any", "about", "can", "could", "please", "want", "would", "like", "just", "also", "let", "lets", "let's", "get", "give",
        "show", "find", "search", "look", "looking", "see", "display", "clip", "clips", "video", "videos", "footage", "scene", "scenes",
        "shot", "shots", "moment", "moments", "part", "parts", "segment", "segments", "montage", "reel", "highlight", "highlights",
        "compile", "combine", "make", "create", "put", "together", "edit", "cut", "index", "sample", "library", "using", "use",
        "summarize", "summarise", "summary", "describe", "description", "gist", "title", "tell", "about", "other", "more", "both",
    ];

    public static IReadOnlyList<string> Terms(string text) => Words(text).Select(w => w.Term).ToList();

    /// <summary>Each content word as written (lower-cased) and its search term ("engines" → "engin").</summary>
    public static IReadOnlyList<(string Word, string Term)> Words(string text)
    {
        var words = new List<(string, string)>();
        var word = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(ch) || (ch == '\'' && word.Length > 0)) { word.Append(ch); continue; }
            if (word.Length == 0) continue;
            var w = word.ToString().TrimEnd('\'');
            word.Clear();
            if (w.EndsWith("'s", StringComparison.Ordinal)) w = w[..^2];
            w = w.Replace("'", "");
            if (w.Length < 2 || StopWords.Contains(w)) continue;
            words.Add((w, Stem(w)));
        }
        return words;
    }

    public static string Stem(string w)
    {
        if (w.Length <= 3) return w;
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4) w = w[..^3] + "y";
        else if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal)) w = w[..^1];

        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length > 5) w = Undouble(w[..^3]);
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length > 4) w = Undouble(w[..^2]);

        // Dropping a final e makes "hike", "hiking" and "hiked" meet at "hik".
        if (w.EndsWith('e') && w.Length > 3) w = w[..^1];
        return w;
    }

    private static string Undouble(string w) =>
        w.Length > 2 && w[^1] == w[^2] && !"aeiouls".Contains(w[^1]) ? w[..^1] : w;
}
