using System.Text.RegularExpressions;
using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Graph;

public enum Intent { Search, Montage, Text, Shorter, DropClip, AddClip, Help }

/// <summary>
/// What the user asked for. <see cref="Ordinal"/> is 1-based, -1 for "the last"; <see cref="TextKind"/> is gist, summary
/// or title; <see cref="Seconds"/> is the length asked for ("a 20-second reel"), if any.
/// </summary>
public sealed record PlanRequest(Intent Intent, string Query, int? Ordinal = null, string TextKind = "summary", double? Seconds = null);

/// <summary>
/// Reads intent from words: find/show/search → search; montage/reel/compile/combine → search then edit;
/// summarize/describe → text; and the follow-ups that only make sense after a video exists in the thread
/// ("make it shorter", "drop the second clip", "add the sunset one").
/// </summary>
public static partial class RulePlanner
{
    private static readonly Dictionary<string, int> Ordinals = new()
    {
        ["first"] = 1, ["1st"] = 1, ["second"] = 2, ["2nd"] = 2, ["third"] = 3, ["3rd"] = 3, ["fourth"] = 4, ["4th"] = 4,
        ["fifth"] = 5, ["5th"] = 5, ["sixth"] = 6, ["6th"] = 6, ["seventh"] = 7, ["eighth"] = 8, ["last"] = -1, ["final"] = -1,
    };

    public static PlanRequest Plan(string text, bool hasVideo)
    {
        var (seconds, rest) = Duration(text);
        return RuleFor(rest, hasVideo, seconds) with { Seconds = seconds };
    }

    /// <summary>
    /// The length a request asks for ("a 20-second montage", "30 s", "1.5 minutes", "a minute") and the request
    /// without it, so "20-second" is not searched for.
    /// </summary>
    public static (double? Seconds, string Remainder) Duration(string text)
    {
        var m = Length().Match(text);
        if (!m.Success) return (null, text);
        var number = m.Groups["n"].Success ? double.Parse(m.Groups["n"].Value.Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture) : 1;
        var seconds = m.Groups["unit"].Value.StartsWith("m", StringComparison.OrdinalIgnoreCase) ? number * 60 : number;
        return seconds is >= 1 and <= 600 ? (seconds, text.Remove(m.Index, m.Length)) : (null, text);
    }

    private static PlanRequest RuleFor(string text, bool hasVideo, double? seconds)
    {
        var t = text.Trim().ToLowerInvariant();
        if (hasVideo)
        {
            // "make it shorter", or a new length with nothing new to search for ("make it 10 seconds").
            if (Shorter().IsMatch(t) || (seconds is not null && !Montage().IsMatch(t) && TextAnalyzer.Terms(t).Count == 0))
                return new PlanRequest(Intent.Shorter, "");
            var drop = Drop().Match(t);
            if (drop.Success)
            {
                var word = drop.Groups["n"].Value;
                var n = Ordinals.TryGetValue(word, out var o) ? o : int.Parse(word);
                return new PlanRequest(Intent.DropClip, "", n);
            }
            var add = Add().Match(t);
            if (add.Success) return new PlanRequest(Intent.AddClip, add.Groups["q"].Value);
        }
        if (Montage().IsMatch(t)) return new PlanRequest(Intent.Montage, text);
        var kind = Text().Match(t);
        if (kind.Success)
        {
            var k = kind.Value.StartsWith("title", StringComparison.Ordinal) ? "title"
                : kind.Value is "gist" or "topics" or "hashtags" ? "gist" : "summary";
            return new PlanRequest(Intent.Text, text, TextKind: k);
        }
        return TextAnalyzer.Terms(text).Count > 0 ? new PlanRequest(Intent.Search, text) : new PlanRequest(Intent.Help, text);
    }

    // Words only for minutes: "a second" usually means "another". A bare "s" counts only apart from the number
    // ("20 s"): "the 90s" is a decade.
    [GeneratedRegex(@"\b(?:(?<n>\d{1,3}(?:[.,]\d+)?)(?:[\s-]*(?<unit>seconds?|secs?|minutes?|mins?)|[\s-]+(?<unit>s))|(?:a|one)[\s-]+(?<unit>minute))\b(?:\s+long)?", RegexOptions.IgnoreCase)]
    private static partial Regex Length();

    [GeneratedRegex(@"\b(shorter|shorten|trim it|tighten|too long|quicker|cut it down)\b")]
    private static partial Regex Shorter();

    [GeneratedRegex(@"\b(drop|remove|delete|cut|lose|skip|get rid of)\s+(the\s+)?(?<n>first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|eighth|last|final|\d)\b(\s+(clip|one|segment|shot|part|scene))?")]
    private static partial Regex Drop();

    [GeneratedRegex(@"^(also\s+|and\s+|please\s+|now\s+)*(add|include|append|insert|put in)\s+(?<q>.+)$")]
    private static partial Regex Add();

    [GeneratedRegex(@"\b(montage|reel|compil\w*|combin\w*|supercut|mash-?up|stitch\w*|put together|edit together|highlights?|(make|create|build|cut) (me )?(a|an) (short |quick )?(video|film|movie))\b")]
    private static partial Regex Montage();

    [GeneratedRegex(@"\b(summar\w+|describe|description|gist|topics|hashtags|title|what happens|what is in|what's in|tell me about)\b")]
    private static partial Regex Text();
}
