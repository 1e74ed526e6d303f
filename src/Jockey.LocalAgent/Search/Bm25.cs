namespace Jockey.LocalAgent.Search;

/// <summary>Okapi BM25 over a fixed set of documents (k1 = 1.2, b = 0.75).</summary>
public sealed class Bm25
{
    private const double K1 = 1.2, B = 0.75;
    private readonly List<Dictionary<string, int>> _docs = [];
    private readonly List<int> _lengths = [];
    private readonly Dictionary<string, int> _documentFrequency = [];

    public int Add(IReadOnlyList<string> terms)
    {
        var tf = new Dictionary<string, int>();
        foreach (var t in terms) tf[t] = tf.GetValueOrDefault(t) + 1;
        foreach (var t in tf.Keys) _documentFrequency[t] = _documentFrequency.GetValueOrDefault(t) + 1;
        _docs.Add(tf);
        _lengths.Add(terms.Count);
        return _docs.Count - 1;
    }

    public double Score(int doc, IReadOnlyCollection<string> queryTerms)
    {
        if (_docs.Count == 0) return 0;
        var avg = Math.Max(1.0, _lengths.Average());
        var tf = _docs[doc];
        double score = 0;
        foreach (var term in queryTerms.Distinct())
        {
            if (!tf.TryGetValue(term, out var f)) continue;
            var n = _documentFrequency[term];
            var idf = Math.Log(1 + (_docs.Count - n + 0.5) / (n + 0.5));
            score += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * _lengths[doc] / avg));
        }
        return score;
    }
}
