using Jockey.LocalAgent.Library;
using Jockey.LocalAgent.Search;

namespace Jockey.LocalAgent.Graph;

/// <summary>
/// A long prompt reduced to what can be searched for: each word once, and of those, the ones the index's titles, tags
/// and descriptions know — so a 2,000-character description searches for "ocean forest city", not for itself. A person
/// who writes that much wants a video, so a long prompt with no other intent becomes a montage.
/// </summary>
public static class KeySubjects
{
    /// <summary>More words than this and a prompt is read for its subjects.</summary>
    public const int LongPromptWords = 20;

    private const int MaxSubjects = 8;

    public static PlanRequest Apply(PlanRequest plan, string text, IndexSnapshot? index)
    {
        var words = TextAnalyzer.Words(Workers.QueryWords(plan.Query));
        if (words.Count <= LongPromptWords || plan.Intent is not (Intent.Search or Intent.Montage or Intent.Text)) return plan;
        var known = index is null ? [] : Vocabulary(index);
        var distinct = words.DistinctBy(w => w.Term).ToList();
        var subjects = distinct.Where(w => known.Contains(w.Term)).Take(MaxSubjects).ToList();
        if (subjects.Count == 0) subjects = distinct.Take(MaxSubjects).ToList();
        var intent = plan.Intent == Intent.Search && TextAnalyzer.Terms(text).Count > LongPromptWords ? Intent.Montage : plan.Intent;
        return plan with { Intent = intent, Query = string.Join(' ', subjects.Select(w => w.Word)) };
    }

    private static HashSet<string> Vocabulary(IndexSnapshot index) =>
        [.. index.Videos.SelectMany(v => TextAnalyzer.Terms($"{v.Title} {string.Join(' ', v.Tags)} {v.Description}"))];
}
