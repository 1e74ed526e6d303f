using System.Globalization;

namespace Jockey.ApiService.Narration;

/// <summary>Numbers as English words, the way a narrator reads them.</summary>
public static class SpokenNumbers
{
    private static readonly string[] Ones =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly (long Value, string Name)[] Scales =
        [(1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")];

    /// <summary>1234 → "one thousand two hundred thirty-four".</summary>
    public static string Cardinal(long n)
    {
        if (n < 0) return "minus " + Cardinal(-n);
        if (n < 20) return Ones[n];
        if (n < 100) return Tens[n / 10] + (n % 10 > 0 ? "-" + Ones[n % 10] : "");
        if (n < 1000) return Ones[n / 100] + " hundred" + (n % 100 > 0 ? " " + Cardinal(n % 100) : "");
        foreach (var (value, name) in Scales)
        {
            if (n >= value) return Cardinal(n / value) + " " + name + (n % value > 0 ? " " + Cardinal(n % value) : "");
        }
        throw new ArgumentOutOfRangeException(nameof(n));
    }

    /// <summary>"3.25" → "three point two five"; digits after the point are read one by one.</summary>
    public static string Decimal(string digits)
    {
        var parts = digits.Replace(",", "", StringComparison.Ordinal).Split('.');
        var whole = parts[0].Length == 0 ? "zero" : Cardinal(long.Parse(parts[0], CultureInfo.InvariantCulture));
        if (parts.Length < 2 || parts[1].Length == 0) return whole;
        return whole + " point " + string.Join(' ', parts[1].Select(d => Ones[d - '0']));
    }

    /// <summary>21 → "twenty-first".</summary>
    public static string Ordinal(long n)
    {
        var words = Cardinal(n);
        var cut = Math.Max(words.LastIndexOf(' '), words.LastIndexOf('-')) + 1;
        var last = words[cut..];
        var ordinal = last switch
        {
            "one" => "first", "two" => "second", "three" => "third", "five" => "fifth", "eight" => "eighth",
            "nine" => "ninth", "twelve" => "twelfth",
            _ when last.EndsWith('y') => last[..^1] + "ieth",
            _ => last + "th",
        };
        return words[..cut] + ordinal;
    }

    /// <summary>1999 → "nineteen ninety-nine", 2005 → "two thousand five", 2024 → "twenty twenty-four".</summary>
    public static string Year(int year)
    {
        var (century, rest) = (year / 100, year % 100);
        if (rest == 0) return year % 1000 == 0 ? Cardinal(year) : Cardinal(century) + " hundred";
        if (year is >= 2000 and < 2010) return Cardinal(year);
        return Cardinal(century) + (rest < 10 ? " oh " : " ") + Cardinal(rest);
    }
}
