using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jockey.LocalAgent.Library;

/// <summary>One subtitle cue, times in seconds.</summary>
public sealed record Cue(double Start, double End, string Text);

/// <summary>Reads SubRip (.srt) and WebVTT (.vtt) cues; both share the "start --> end" line, which is all that matters here.</summary>
public static partial class Subtitles
{
    public static IReadOnlyList<Cue> Parse(string content)
    {
        var cues = new List<Cue>();
        var lines = content.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var m = TimingLine().Match(lines[i]);
            if (!m.Success) continue;
            var text = new StringBuilder();
            for (i++; i < lines.Length && lines[i].Trim().Length > 0; i++)
                text.Append(text.Length > 0 ? " " : "").Append(Markup().Replace(lines[i].Trim(), ""));
            var start = ParseTime(m.Groups["s"].Value);
            var end = ParseTime(m.Groups["e"].Value);
            if (end > start && text.Length > 0) cues.Add(new Cue(start, end, text.ToString()));
        }
        return cues;
    }

    public static string ToSrt(IEnumerable<Cue> cues)
    {
        var sb = new StringBuilder();
        var n = 1;
        foreach (var c in cues)
            sb.Append(n++).Append('\n').Append(Format(c.Start)).Append(" --> ").Append(Format(c.End)).Append('\n').Append(c.Text).Append("\n\n");
        return sb.ToString();
    }

    private static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00},{t.Milliseconds:000}");
    }

    private static double ParseTime(string value)
    {
        // "hh:mm:ss,mmm", "mm:ss.mmm" (VTT may omit hours).
        var parts = value.Replace(',', '.').Split(':');
        double seconds = 0;
        foreach (var p in parts) seconds = seconds * 60 + double.Parse(p, CultureInfo.InvariantCulture);
        return seconds;
    }

    [GeneratedRegex(@"^\s*(?<s>(\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?<e>(\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")]
    private static partial Regex TimingLine();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Markup();
}
