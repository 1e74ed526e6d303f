using System.Globalization;
using System.Text.RegularExpressions;

namespace Jockey.ApiService.Narration;

/// <summary>What a run made, as its run recorded it: the rendered video's length and how many clips went into it.</summary>
public sealed record ProducedVideo(double? Seconds, int? Clips);

/// <summary>
/// The result narration: one short sentence, written from the run's own data rather than by a model, so the length
/// and clip count it speaks are the ones the run recorded ("Your twenty-second montage of four clips is ready.").
/// </summary>
public static partial class ResultScript
{
    /// <summary>The spoken result of a completed run; <paramref name="video"/> is null when it rendered nothing.</summary>
    public static string Completed(string request, ProducedVideo? video)
    {
        if (video is null) return "All done — the results are on screen.";
        var noun = Acknowledgement.VideoNoun(request) ?? "video";
        noun = noun.EndsWith('s') && noun != "highlights" ? noun[..^1] : noun;
        var length = video.Seconds is { } s && s >= 0.5 ? Length(s) + " " : "";
        var clips = video.Clips is { } n and > 0 ? $" of {n} clip{(n == 1 ? "" : "s")}" : "";
        return $"Your {length}{noun}{clips} is ready.";
    }

    /// <summary>Why a run failed, in its first sentence (reasons name settings and servers; the screen shows the rest).</summary>
    public static string Failed(string reason)
    {
        // A sentence ends at a stop before a space: the stops inside a URL or a version number end nothing.
        var first = SentenceEnd().Split(reason, 2)[0].Trim().TrimEnd('.', '!', '?', ';');
        return first.Length == 0 ? "Sorry — the video could not be made." : $"Sorry — the video could not be made. {first}.";
    }

    /// <summary>"20-second", "95-second", "3-minute": a length as a person rounds it, spelled out by the script rules.</summary>
    private static string Length(double seconds)
    {
        var whole = (int)Math.Round(seconds, MidpointRounding.AwayFromZero);
        return whole < 120
            ? whole.ToString(CultureInfo.InvariantCulture) + "-second"
            : Math.Round(seconds / 60, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "-minute";
    }

    [GeneratedRegex(@"(?<=[.!?;])\s")]
    private static partial Regex SentenceEnd();
}
