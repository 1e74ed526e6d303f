using System.Globalization;
using System.Text.RegularExpressions;

namespace Jockey.ApiService.Narration;

/// <summary>
/// The spoken form of a narration's text: markup and links removed, numbers, units and common abbreviations written
/// out, sentences closed — so any speech engine reads it the same way.
/// </summary>
public static partial class NarrationScript
{
    private static readonly (Regex Pattern, string Spoken)[] Abbreviations =
    [
        (new(@"\be\.g\.(?=\W|$)", RegexOptions.IgnoreCase), "for example"),
        (new(@"\bi\.e\.(?=\W|$)", RegexOptions.IgnoreCase), "that is"),
        (new(@"\betc\.", RegexOptions.IgnoreCase), "et cetera"),
        (new(@"\bvs\.?(?=\s)", RegexOptions.IgnoreCase), "versus"),
        (new(@"\bapprox\.", RegexOptions.IgnoreCase), "approximately"),
        (new(@"\bDr\.(?=\s)"), "Doctor"),
        (new(@"\bMr\.(?=\s)"), "Mister"),
        (new(@"\bMrs\.(?=\s)"), "Missus"),
        (new(@"\bMs\.(?=\s)"), "Miz"),
        (new(@"\bw/(?=\s)"), "with"),
        (new(@"\b[Nn]o\.\s*(?=\d)"), "number "),
    ];

    private static readonly Dictionary<string, (string One, string Many)> Units = new(StringComparer.Ordinal)
    {
        ["ms"] = ("millisecond", "milliseconds"), ["sec"] = ("second", "seconds"),
        ["secs"] = ("second", "seconds"), ["min"] = ("minute", "minutes"), ["mins"] = ("minute", "minutes"),
        ["h"] = ("hour", "hours"), ["hr"] = ("hour", "hours"), ["hrs"] = ("hour", "hours"),
        ["mm"] = ("millimeter", "millimeters"), ["cm"] = ("centimeter", "centimeters"), ["m"] = ("meter", "meters"),
        ["km"] = ("kilometer", "kilometers"), ["kg"] = ("kilogram", "kilograms"), ["g"] = ("gram", "grams"),
        ["lb"] = ("pound", "pounds"), ["lbs"] = ("pound", "pounds"), ["ft"] = ("foot", "feet"),
        ["mph"] = ("mile per hour", "miles per hour"), ["km/h"] = ("kilometer per hour", "kilometers per hour"),
        ["fps"] = ("frame per second", "frames per second"), ["px"] = ("pixel", "pixels"),
        ["KB"] = ("kilobyte", "kilobytes"), ["MB"] = ("megabyte", "megabytes"), ["GB"] = ("gigabyte", "gigabytes"),
        ["TB"] = ("terabyte", "terabytes"), ["x"] = ("times", "times"), ["k"] = ("thousand", "thousand"),
        ["%"] = ("percent", "percent"), ["°C"] = ("degree Celsius", "degrees Celsius"), ["°F"] = ("degree Fahrenheit", "degrees Fahrenheit"),
    };

    /// <summary>The spoken form of <paramref name="text"/>, at most <paramref name="maxLength"/> characters.</summary>
    public static string FromRequest(string text, int maxLength)
    {
        var s = StripMarkup(text);
        foreach (var (pattern, spoken) in Abbreviations) s = pattern.Replace(s, spoken);
        s = Currency().Replace(s, m => Money(m.Groups["amount"].Value, m.Groups["symbol"].Value));
        s = Clock().Replace(s, m => SpokenNumbers.Cardinal(int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture)) + " "
            + (m.Groups["m"].Value == "00" ? "o'clock" : MinutesPastHour(m.Groups["m"].Value)));
        s = Range().Replace(s, "${a} to ${b}");
        s = Ordinal().Replace(s, m => SpokenNumbers.Ordinal(long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)));
        s = Seconds().Replace(s, m => Measured(m.Groups["n"].Value, "sec"));
        s = Decade().Replace(s, m => Plural(Spoken(m.Groups["n"].Value)));
        s = Measure().Replace(s, m => Measured(m.Groups["n"].Value, m.Groups["unit"].Value));
        s = Number().Replace(s, m => Spoken(m.Value));
        s = s.Replace("&", " and ", StringComparison.Ordinal).Replace("@", " at ", StringComparison.Ordinal).Replace("+", " plus ", StringComparison.Ordinal);
        return Close(Truncate(Spaces().Replace(s, " ").Trim(), maxLength));
    }

    /// <summary>
    /// At most <paramref name="maxWords"/> words (how long it takes to say, whatever the text): cut at the last sentence
    /// end within them when that keeps at least half, else after the last whole word.
    /// </summary>
    public static string Cap(string spoken, int maxWords)
    {
        var words = spoken.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length <= maxWords) return spoken;
        var kept = words[..maxWords];
        var sentenceEnd = Array.FindLastIndex(kept, w => w[^1] is '.' or '!' or '?');
        return Close(string.Join(' ', sentenceEnd + 1 >= maxWords / 2 ? kept[..(sentenceEnd + 1)] : kept));
    }

    /// <summary>Markdown, HTML and links out; list items and lines become sentences.</summary>
    internal static string StripMarkup(string text)
    {
        var s = CodeFence().Replace(text, " ");
        s = Image().Replace(s, "${alt}");
        s = Link().Replace(s, "${text}");
        s = Url().Replace(s, "");
        s = Html().Replace(s, " ");
        s = System.Net.WebUtility.HtmlDecode(s);
        s = ListMarker().Replace(s, "");
        s = Emphasis().Replace(s, "");
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', lines.Select(Close).Where(l => l.Length > 1));
    }

    private static string Spoken(string number)
    {
        var digits = number.Replace(",", "", StringComparison.Ordinal);
        if (digits.Contains('.', StringComparison.Ordinal)) return SpokenNumbers.Decimal(digits);
        if (digits.Length > 15) return string.Join(' ', digits.Select(d => SpokenNumbers.Cardinal(d - '0')));
        var n = long.Parse(digits, CultureInfo.InvariantCulture);
        // Four digits without a thousands comma read as a year: "in 1999", "the 2024 final".
        return digits.Length == 4 && !number.Contains(',', StringComparison.Ordinal) && n is >= 1100 and < 2100
            ? SpokenNumbers.Year((int)n)
            : SpokenNumbers.Cardinal(n);
    }

    private static string Measured(string number, string unit)
    {
        var (one, many) = Units[unit];
        return Spoken(number) + " " + (number == "1" ? one : many);
    }

    /// <summary>"nineteen ninety" → "nineteen nineties".</summary>
    private static string Plural(string words) => words.EndsWith('y') ? words[..^1] + "ies" : words + "s";

    private static string Money(string amount, string symbol)
    {
        var (one, many) = symbol switch { "$" => ("dollar", "dollars"), "€" => ("euro", "euros"), _ => ("pound", "pounds") };
        return Spoken(amount) + " " + (amount == "1" ? one : many);
    }

    private static string MinutesPastHour(string minutes) =>
        minutes[0] == '0' ? "oh " + SpokenNumbers.Cardinal(minutes[1] - '0') : SpokenNumbers.Cardinal(int.Parse(minutes, CultureInfo.InvariantCulture));

    private static string Truncate(string s, int max)
    {
        if (s.Length <= max) return s;
        var cut = s.LastIndexOfAny(['.', '!', '?'], max - 1);
        if (cut < max / 2) cut = s.LastIndexOf(' ', max - 1);
        return s[..(cut > 0 ? cut : max)].TrimEnd();
    }

    /// <summary>Capitalised and ending in a full stop, so the engine drops its pitch at the end.</summary>
    private static string Close(string s)
    {
        s = s.Trim().TrimEnd(',', ';', ':', '-');
        if (s.Length == 0) return s;
        s = char.ToUpperInvariant(s[0]) + s[1..];
        return s[^1] is '.' or '!' or '?' ? s : s + ".";
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeFence();
    [GeneratedRegex(@"!\[(?<alt>[^\]]*)\]\([^)]*\)")]
    private static partial Regex Image();
    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\([^)]*\)")]
    private static partial Regex Link();
    [GeneratedRegex(@"\b(?:https?://|www\.)\S+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();
    [GeneratedRegex(@"<[^>\n]{1,200}>")]
    private static partial Regex Html();
    [GeneratedRegex(@"^\s*(?:[-*+>]|#{1,6}|\d+[.)])\s+", RegexOptions.Multiline)]
    private static partial Regex ListMarker();
    [GeneratedRegex(@"[*_`~]+")]
    private static partial Regex Emphasis();
    [GeneratedRegex(@"(?<symbol>[$€£])(?<amount>\d[\d,]*(?:\.\d+)?)")]
    private static partial Regex Currency();
    [GeneratedRegex(@"\b(?<h>[01]?\d|2[0-3]):(?<m>[0-5]\d)\b")]
    private static partial Regex Clock();
    [GeneratedRegex(@"\b(?<a>\d+)\s*[-–]\s*(?<b>\d+)\b")]
    private static partial Regex Range();
    [GeneratedRegex(@"\b(?<n>\d+)(?:st|nd|rd|th)\b")]
    private static partial Regex Ordinal();
    // "10 s" is seconds; "1990s" and "80s" are decades, so a bare "s" counts as a unit only after a space.
    [GeneratedRegex(@"(?<n>\d[\d,]*(?:\.\d+)?) s\b(?!['’])")]
    private static partial Regex Seconds();
    [GeneratedRegex(@"\b(?<n>\d0|\d{3}0)s\b")]
    private static partial Regex Decade();
    [GeneratedRegex(@"(?<n>\d[\d,]*(?:\.\d+)?)\s?(?<unit>km/h|°C|°F|%|ms|secs?|mins?|hrs?|mm|cm|km|kg|lbs?|ft|mph|fps|px|KB|MB|GB|TB|[mhgxk])(?![\p{L}\d])")]
    private static partial Regex Measure();
    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")]
    private static partial Regex Number();
    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
