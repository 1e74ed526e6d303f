namespace Jockey.Tests.LocalAgent;

/// <summary>BM25 over the sample index's subtitles and metadata: named clips come first, absent topics find nothing.</summary>
[Collection(LocalAgentCollection.Name)]
public sealed class SearchTests(LocalAgentFixture agent)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("show me the sunset", "sunset-beach")]
    [InlineData("find the rocket launch countdown", "rocket-launch")]
    [InlineData("a kitten chasing yarn", "cat-yarn")]
    [InlineData("surfers waiting for a wave", "ocean-waves")]
    [InlineData("pasta with tomato sauce", "kitchen-cooking")]
    [InlineData("children building a snowman", "snow-village")]
    [InlineData("hikers on a trail", "forest-hike")]
    [InlineData("the striker scores", "soccer-goal")]
    [InlineData("neon signs downtown", "city-night")]
    [InlineData("dawn in the mountains", "sunrise-mountains")]
    public async Task Query_finds_the_named_clip_first(string query, string videoId)
    {
        var state = await Agent.AskAsync(agent.Client, query, Ct);
        var search = Assert.Single(Agent.ToolCalls(state, "video-search"));
        var hits = search["output"]!.AsArray();
        Assert.NotEmpty(hits);
        Assert.Equal(videoId, hits[0]!["video_id"]!.GetValue<string>());
        Assert.Equal("high", hits[0]!["confidence"]!.GetValue<string>());
        var start = hits[0]!["start"]!.GetValue<double>();
        var end = hits[0]!["end"]!.GetValue<double>();
        Assert.True(start >= 0 && end > start && end <= 10.01, $"segment {start}–{end}");
    }

    [Theory]
    [InlineData("show me dinosaurs")]
    [InlineData("find the piano concert")]
    [InlineData("a dog on a skateboard")]
    public async Task Query_about_something_absent_finds_nothing_and_reflect_lists_what_the_index_holds(string query)
    {
        var state = await Agent.AskAsync(agent.Client, query, Ct);
        Assert.Empty(Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]!.AsArray());
        var reflect = Agent.Reflect(state);
        Assert.Contains("couldn't find", reflect);
        Assert.Contains("Sunset at the beach", reflect);
        Assert.Contains("Rocket launch", reflect);
    }

    /// <summary>Issue 20: a 2,000-character prompt searched for itself (four times over) and made no video.</summary>
    [Fact]
    public async Task A_long_prompt_is_searched_for_its_key_subjects_and_makes_a_video()
    {
        const string Paragraph = "I would really love something calm and slow for the opening of my evening presentation, "
            + "starting with the ocean waves rolling onto the shore, then the quiet forest stream in the morning light, "
            + "and finally the city traffic at night with all of its colourful neon lights glowing downtown. ";
        var prompt = string.Concat(Enumerable.Repeat(Paragraph, 2000 / Paragraph.Length + 1))[..2000];

        var state = await Agent.AskAsync(agent.Client, prompt, Ct);

        var query = Assert.Single(Agent.ToolCalls(state, "video-search"))["args"]!["query"]!.GetValue<string>();
        Assert.InRange(query.Split(' ').Length, 1, 8);
        Assert.Contains("ocean", query);
        Assert.Contains("forest", query);
        Assert.Equal("combine-clips", Assert.Single(Agent.ToolCalls(state, "video-editing"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Montage_of_something_absent_renders_no_video()
    {
        var state = await Agent.AskAsync(agent.Client, "make a montage of dinosaurs and volcanoes", Ct);
        Assert.Empty(Agent.ToolCalls(state, "video-editing"));
        Assert.Contains("made no video", Agent.Reflect(state));
    }

    [Fact]
    public async Task Summarize_writes_an_extractive_summary_from_the_found_clips_transcripts()
    {
        var state = await Agent.AskAsync(agent.Client, "summarize the rocket launch", Ct);
        var text = Assert.Single(Agent.ToolCalls(state, "video-text-generation"));
        Assert.Equal("summarize", text["name"]!.GetValue<string>());
        Assert.Contains("countdown", text["output"]!.GetValue<string>());
        // The summary is shown once, as the tool's result; the reply does not print it again.
        Assert.DoesNotContain("countdown", Agent.Reflect(state));
    }

    [Fact]
    public async Task Gist_gives_a_title_topics_hashtags_of_spoken_words_and_the_key_sentences()
    {
        var state = await Agent.AskAsync(agent.Client, "give me the gist of the rocket launch", Ct);
        var gist = Assert.Single(Agent.ToolCalls(state, "video-text-generation"));
        Assert.Equal("gist", gist["name"]!.GetValue<string>());
        var lines = gist["output"]!.GetValue<string>().Split('\n');
        Assert.Equal("Title: Rocket launch", lines[0]);
        Assert.Equal("Topics: Rocket launch", lines[1]);
        var hashtags = lines[2]["Hashtags: ".Length..].Split(' ');
        Assert.Equal(4, hashtags.Length);
        var transcript = "The rocket engines ignite as the countdown reaches zero. The spacecraft climbs into the sky on a column of fire.";
        Assert.All(hashtags, h => Assert.Matches($@"(?i)\b{h.TrimStart('#')}\b", transcript)); // words as spoken, not stems
        Assert.StartsWith("Gist: The rocket engines ignite", lines[3]);
        Assert.DoesNotContain(lines[3], Agent.Reflect(state));
    }

    [Fact]
    public async Task Thumbnails_of_search_hits_are_jpeg_stills()
    {
        var state = await Agent.AskAsync(agent.Client, "show me the ocean", Ct);
        var thumbnail = Assert.Single(Agent.ToolCalls(state, "video-search"))["output"]![0]!["thumbnail_url"]!.GetValue<string>();
        var response = await agent.Client.GetAsync(thumbnail, Ct);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
    }
}
