using System.Globalization;
using System.Text.RegularExpressions;

namespace Jockey.ApiService.Narration;

/// <summary>
/// The offline acknowledgement: what Jockey says as it takes a request on ("Sure — a twenty-second montage of
/// sunrises, coming up."), built from what the request asks for — a length, a kind of video, a count, a subject —
/// rather than the request read back. However long the request, the answer is one short sentence.
/// </summary>
public static partial class Acknowledgement
{
    private const int MaxSubjectWords = 8;
    private const string Fallback = "Sure — I'm on it.";

    /// <summary>Words that end a subject ("of sunrises that are calm" → "of sunrises") or never lead into a noun.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "the", "me", "us", "make", "create", "cut", "build", "find", "show", "get", "give", "put", "together",
        "some", "of", "with", "and", "or", "please", "pls", "can", "could", "you", "i", "want", "need", "would", "like",
        "to", "into", "that", "which", "then", "so", "using", "for", "from", "in", "my", "our", "your", "is", "are", "be",
    };

    /// <summary>First person becomes second: it is Jockey speaking to the person who asked.</summary>
    private static readonly Dictionary<string, string> Perspective = new(StringComparer.OrdinalIgnoreCase)
    {
        ["my"] = "your", ["me"] = "you", ["i"] = "you", ["our"] = "your", ["us"] = "you", ["mine"] = "yours",
        ["myself"] = "yourself", ["we"] = "you",
    };

    /// <summary>The acknowledgement of <paramref name="request"/>, in written form (numbers as digits are spelled out later).</summary>
    public static string Write(string request)
    {
        var text = NarrationScript.StripMarkup(request);
        var noun = VideoKind().Match(text) is { Success: true } kind ? kind : ItemKind().Match(text);
        if (!noun.Success) return Looking(text) ?? Fallback;

        var name = noun.Groups["noun"];
        var words = new List<string>();
        if (noun.Groups["count"] is { Success: true } count) words.Add(count.Value);
        if (Length(text) is { } length) words.Add(length);
        words.AddRange(Modifiers(text[..name.Index]));
        words.Add(name.Value.ToLowerInvariant());
        var phrase = string.Join(' ', words);
        if (Subject(text[(noun.Index + noun.Length)..]) is { } subject) phrase += " " + subject;
        var plural = noun.Groups["count"].Success || IsPlural(name.Value);
        return $"Sure — {(plural ? "" : Article(phrase) + " ")}{phrase}, coming up.";
    }

    /// <summary>The kind of video asked for ("montage", "highlight reel"), or null when the request names none.</summary>
    public static string? VideoNoun(string request) =>
        VideoKind().Match(NarrationScript.StripMarkup(request)) is { Success: true } m ? m.Groups["noun"].Value.ToLowerInvariant() : null;

    /// <summary>"Find goals from the final" → "Sure — looking for goals from the final."</summary>
    private static string? Looking(string text) =>
        Search().Match(text) is { Success: true } m && Words(m.Groups["what"].Value) is { Length: > 0 } what
            ? $"Sure — looking for {what}."
            : null;

    /// <summary>"20-second", "1 minute", "30s" → "20-second" / "1-minute", spelled out by the script rules later.</summary>
    private static string? Length(string text)
    {
        var m = Duration().Match(text);
        if (!m.Success) return null;
        var unit = m.Groups["unit"].Value.StartsWith('m') ? "minute" : "second";
        return m.Groups["n"].Value + "-" + unit;
    }

    /// <summary>Up to two describing words right before the noun ("the best sunrise" → "best sunrise").</summary>
    private static IEnumerable<string> Modifiers(string before)
    {
        var taken = new List<string>();
        foreach (var word in before.Split(' ', StringSplitOptions.RemoveEmptyEntries).Reverse().Take(2))
        {
            var clean = word.Trim('.', ',', '"', '\'', '(', ')');
            if (clean.Length == 0 || StopWords.Contains(clean) || clean.Any(char.IsDigit) || Unit().IsMatch(clean)) break;
            taken.Insert(0, clean.ToLowerInvariant());
        }
        return taken;
    }

    /// <summary>"of the sunrise shots, and make it calm" → "of the sunrise shots".</summary>
    private static string? Subject(string after)
    {
        var m = SubjectLead().Match(after);
        if (!m.Success) return null;
        var words = Words(m.Groups["rest"].Value);
        return words.Length == 0 ? null : m.Groups["prep"].Value.ToLowerInvariant() + " " + words;
    }

    /// <summary>At most <see cref="MaxSubjectWords"/> words, up to the first word that starts a new thought, in Jockey's voice.</summary>
    private static string Words(string text)
    {
        var words = new List<string>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (words.Count >= MaxSubjectWords || EndsSubject().IsMatch(word)) break;
            words.Add(Perspective.GetValueOrDefault(word, word));
        }
        while (words.Count > 0 && StopWords.Contains(words[^1]) && !Perspective.ContainsValue(words[^1])) words.RemoveAt(words.Count - 1);
        return string.Join(' ', words);
    }

    private static bool IsPlural(string noun) => noun.EndsWith('s') && !noun.EndsWith("ss", StringComparison.Ordinal);

    /// <summary>"a" or "an", by how the phrase is spoken: "an eight-second", "a one-minute", "an epic".</summary>
    private static string Article(string phrase)
    {
        var first = phrase.Split(' ', '-')[0];
        if (long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) first = SpokenNumbers.Cardinal(n);
        return first.StartsWith("one", StringComparison.OrdinalIgnoreCase) || first.StartsWith("uni", StringComparison.OrdinalIgnoreCase)
            || first.Length == 0 || !"aeiouAEIOU".Contains(first[0]) ? "a" : "an";
    }

    [GeneratedRegex(@"(?<n>\d{1,3}(?:\.\d+)?)[\s-]*(?<unit>seconds?|secs?|s|minutes?|mins?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();

    /// <summary>The rest of a length ("8 second", "20 seconds long"): never a describing word.</summary>
    [GeneratedRegex(@"^(?:seconds?|secs?|minutes?|mins?|long)$", RegexOptions.IgnoreCase)]
    private static partial Regex Unit();

    [GeneratedRegex(@"\b(?<noun>highlights? reels?|sizzle reels?|montages?|reels?|compilations?|supercuts?|trailers?|recaps?|mash-?ups?|highlights|edits?|videos?|movies?|films?|slideshows?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex VideoKind();

    [GeneratedRegex(@"(?:\b(?<count>\d{1,3})\s+(?:[\p{L}-]+\s+)?)?\b(?<noun>clips?|shots?|scenes?|moments?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ItemKind();

    [GeneratedRegex(@"^\s*(?<prep>of|with|showing|featuring|about|from|on)\s+(?<rest>[^.,;:!?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SubjectLead();

    [GeneratedRegex(@"^(?:please\s+)?(?:(?:can|could) you\s+)?(?:find|search for|look for|show me|show|get me|get)\s+(?<what>[^.,;:!?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Search();

    [GeneratedRegex(@"^(?:that|which|then|please|pls|so|using|and|but|where|when|set|add|make|cut|keep)$", RegexOptions.IgnoreCase)]
    private static partial Regex EndsSubject();
}
