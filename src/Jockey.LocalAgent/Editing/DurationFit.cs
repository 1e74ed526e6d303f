namespace Jockey.LocalAgent.Editing;

/// <summary>
/// Makes a list of clips last a requested number of seconds ("a 20-second reel"). Too long: every clip is cut to a
/// common cap around its middle, so short clips stay whole and long ones give up the most. Too short: clips grow
/// evenly into the rest of their source video. Clips beyond what fits at <see cref="MinClipSeconds"/> each are
/// dropped from the end. When the sources hold less than asked for, the result is as long as they allow.
/// </summary>
public static class DurationFit
{
    public const double MinClipSeconds = 1.5;

    /// <param name="sourceSeconds">The length of each clip's source video.</param>
    public static IReadOnlyList<ClipSpec> Fit(IReadOnlyList<ClipSpec> clips, Func<ClipSpec, double> sourceSeconds, double target)
    {
        var kept = clips.Take(Math.Max(1, (int)Math.Floor(target / MinClipSeconds))).ToList();
        var lengths = kept.Select(c => c.End - c.Start).ToArray();
        var limits = kept.Select(c => Math.Max(c.End - c.Start, sourceSeconds(c))).ToArray();

        // Both shapes are monotonic in one level, found by bisection: cut to min(length, level) or grow to min(limit, max(length, level)).
        Func<double, int, double> shape = lengths.Sum() >= target
            ? (level, i) => Math.Min(lengths[i], level)
            : (level, i) => Math.Min(limits[i], Math.Max(lengths[i], level));
        double low = 0, high = limits.Max();
        for (var step = 0; step < 60; step++)
        {
            var mid = (low + high) / 2;
            if (Enumerable.Range(0, kept.Count).Sum(i => shape(mid, i)) < target) low = mid;
            else high = mid;
        }
        return kept.Select((c, i) => Place(c, shape(high, i), limits[i])).ToList();
    }

    /// <summary>The clip at its new length, still centred on the same moment where the source allows it.</summary>
    private static ClipSpec Place(ClipSpec clip, double length, double sourceSeconds)
    {
        var middle = (clip.Start + clip.End) / 2;
        var start = Math.Clamp(middle - length / 2, 0, Math.Max(0, sourceSeconds - length));
        return clip with { Start = Math.Round(start, 2), End = Math.Round(start + length, 2) };
    }
}
