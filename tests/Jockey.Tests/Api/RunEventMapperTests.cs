using System.Text.Json;
using System.Text.Json.Nodes;
using Jockey.ApiService.Events;
using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Time.Testing;

namespace Jockey.Tests.Api;

/// <summary>LangGraph stream parts in, display events out — the mapping the UI depends on.</summary>
public sealed class RunEventMapperTests
{
    private static RunEventMapper Mapper(int chunkChars = 40, TimeProvider? time = null) =>
        new(url => url?.Replace("http://agent:8123/", "/api/jockey/files/"), chunkChars, TimeSpan.FromSeconds(5), time ?? TimeProvider.System);

    private static JockeyStreamPart Part(string eventName, JsonNode data) => new(eventName, JsonElement.Parse(data.ToJsonString()));

    private static JsonObject ToolEvent(string kind, string tool, JsonObject data) => new()
    {
        ["event"] = kind, ["name"] = tool, ["metadata"] = new JsonObject { ["langgraph_node"] = "video-search" }, ["data"] = data,
    };

    private static JsonObject Token(string text, string kind = "on_chat_model_stream") => new()
    {
        ["event"] = kind, ["name"] = "ChatOpenAI", ["metadata"] = new JsonObject { ["langgraph_node"] = "reflect" },
        ["data"] = new JsonObject { ["chunk"] = new JsonObject { ["content"] = text } },
    };

    private static List<NewEvent> Events(IEnumerable<RunOutput> outputs) => outputs.OfType<EmitEvent>().Select(e => e.Event).ToList();

    /// <summary>One part through a fresh mapper, then the run's end: what a tool result held for its node becomes.</summary>
    private static List<NewEvent> Settled(JockeyStreamPart part)
    {
        var mapper = Mapper();
        var outputs = mapper.Map(part).ToList();
        outputs.AddRange(mapper.Complete());
        return Events(outputs);
    }

    [Fact]
    public void Metadata_sets_the_run_id_and_emits_nothing()
    {
        var mapper = Mapper();
        var outputs = mapper.Map(Part("metadata", new JsonObject { ["run_id"] = "run-1", ["attempt"] = 1 }));
        Assert.Empty(outputs);
        Assert.Equal("run-1", mapper.RunId);
    }

    [Fact]
    public void Planner_and_instructor_messages_become_human_events_once_even_when_values_repeat_them()
    {
        var mapper = Mapper();
        var planner = new JsonObject { ["type"] = "human", ["name"] = "planner", ["content"] = "The plan", ["id"] = "m1" };
        var instructor = new JsonObject { ["type"] = "human", ["name"] = "instructor", ["content"] = "Do the search", ["id"] = "m2" };

        var fromUpdates = Events(mapper.Map(Part("updates", new JsonObject { ["planner"] = new JsonObject { ["chat_history"] = new JsonArray(planner.DeepClone()) } })));
        var fromValues = Events(mapper.Map(Part("values", new JsonObject { ["chat_history"] = new JsonArray(planner.DeepClone(), instructor.DeepClone()) } )));

        Assert.Equal([(EventTypes.Human, "planner", "The plan")], fromUpdates.Select(e => (e.Type, e.Name, e.Text)));
        Assert.Equal([(EventTypes.Human, "instructor", "Do the search")], fromValues.Select(e => (e.Type, e.Name, e.Text)));
    }

    [Fact]
    public void Search_tool_end_becomes_search_results_with_proxied_thumbnails_at_the_workers_update_which_does_not_repeat_it()
    {
        var mapper = Mapper();
        var clips = new JsonArray(new JsonObject
        {
            ["video_id"] = "v1", ["video_title"] = "Sunrise", ["start"] = 1.5, ["end"] = 4, ["score"] = 0.9, ["confidence"] = "high",
            ["thumbnail_url"] = "http://agent:8123/sample/v1.jpg", ["video_url"] = "http://agent:8123/sample/sunrise.mov",
        }).ToJsonString();

        var start = Events(mapper.Map(Part("events", ToolEvent("on_tool_start", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise" } }))));
        var end = Events(mapper.Map(Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "sunrise" }, ["output"] = clips }))));
        var worker = new JsonArray(new JsonObject { ["name"] = "simple-video-search", ["args"] = new JsonObject { ["query"] = "sunrise" }, ["output"] = clips }).ToJsonString();
        var update = Events(mapper.Map(Part("updates", new JsonObject
        {
            ["video-search"] = new JsonObject { ["chat_history"] = new JsonArray(new JsonObject { ["type"] = "human", ["name"] = "video-search", ["content"] = worker, ["id"] = "m3" }) },
        })));

        Assert.Equal(EventNames.Status, Assert.Single(start).Name);
        Assert.Equal(new StatusData("video-search", "simple-video-search", "sunrise"), start[0].Data);
        Assert.Empty(end);
        var results = Assert.IsType<SearchResultsData>(Assert.Single(update).Data);
        Assert.Equal("sunrise", results.Query);
        Assert.Equal(new Clip("v1", "Sunrise", 1.5, 4, 0.9, "high", "/api/jockey/files/sample/v1.jpg", "/api/jockey/files/sample/sunrise.mov"), Assert.Single(results.Clips));
    }

    [Fact]
    public void An_instruction_in_the_workers_own_update_comes_before_the_tool_result_that_events_reported_first()
    {
        var mapper = Mapper();
        var clips = new JsonArray(new JsonObject { ["video_id"] = "v1", ["start"] = 0, ["end"] = 1 }).ToJsonString();
        var report = new JsonArray(new JsonObject { ["name"] = "simple-video-search", ["args"] = new JsonObject { ["query"] = "fog" }, ["output"] = clips }).ToJsonString();

        var outputs = new[]
        {
            Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "fog" }, ["output"] = clips })),
            Part("updates", new JsonObject { ["video-search"] = new JsonObject { ["chat_history"] = new JsonArray(
                new JsonObject { ["type"] = "human", ["name"] = "instructor", ["content"] = "Search for fog.", ["id"] = "i1" },
                new JsonObject { ["type"] = "human", ["name"] = "video-search", ["content"] = report, ["id"] = "w1" }) } }),
        }.SelectMany(mapper.Map).ToList();

        Assert.Equal([EventNames.Instructor, EventNames.SearchResults], Events(outputs).Select(e => e.Name));
    }

    [Fact]
    public void A_search_hit_without_a_video_url_gets_the_api_signed_url_of_its_source_video()
    {
        var mapper = new RunEventMapper(url => url, 40, TimeSpan.FromSeconds(5), TimeProvider.System, videoId => $"/api/jockey/files/sample/{videoId}.mp4?sig=x");
        var clips = new JsonArray(new JsonObject { ["video_id"] = "v7", ["start"] = 0, ["end"] = 2 }).ToJsonString();

        // Held until the node's own update (see the instruction-order test), which releases it.
        mapper.Map(Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["output"] = clips })));
        var end = Events(mapper.Map(Part("updates", new JsonObject { ["video-search"] = new JsonObject() })));

        Assert.Equal("/api/jockey/files/sample/v7.mp4?sig=x", Assert.Single(Assert.IsType<SearchResultsData>(Assert.Single(end).Data).Clips).VideoUrl);
    }

    [Fact]
    public void Combine_clips_output_yields_the_basename_of_the_output_not_the_requested_filename()
    {
        var mapper = Mapper();
        var args = new JsonObject
        {
            ["output_filename"] = "sunrise",
            ["clips"] = new JsonArray(new JsonObject { ["start"] = 0, ["end"] = 4 }, new JsonObject { ["start"] = 10, ["end"] = 12.5 }),
        };
        var worker = new JsonArray(new JsonObject { ["name"] = "combine-clips", ["args"] = args, ["id"] = "call_1", ["output"] = "/app/public/sample/sunrise_ab12.mp4" }).ToJsonString();

        var outputs = mapper.Map(Part("updates", new JsonObject
        {
            ["video-editing"] = new JsonObject { ["chat_history"] = new JsonArray(new JsonObject { ["type"] = "human", ["name"] = "video-editing", ["content"] = worker }) },
        }));

        var video = Assert.IsType<VideoProduced>(Assert.Single(outputs));
        Assert.Equal("sunrise_ab12.mp4", video.FileName);
        Assert.Equal(6.5, video.Duration);
        Assert.Equal(("combine-clips", "call_1"), (video.ToolCall.Name, video.ToolCall.Id));
    }

    [Fact]
    public void Reflect_tokens_are_coalesced_into_few_events_that_add_up_to_the_full_text()
    {
        var mapper = Mapper(chunkChars: 40);
        var text = string.Concat(Enumerable.Range(0, 60).Select(i => $"w{i} "));
        var events = new List<NewEvent>();
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) events.AddRange(Events(mapper.Map(Part("events", Token(token + " ")))));
        events.AddRange(Events(mapper.Map(Part("events", Token("", "on_chat_model_end")))));
        events.AddRange(Events(mapper.Map(Part("updates", new JsonObject
        {
            ["reflect"] = new JsonObject { ["chat_history"] = new JsonArray(new JsonObject { ["type"] = "ai", ["content"] = text, ["id"] = "m9" }) },
        }))));
        events.AddRange(Events(mapper.Complete()));

        Assert.All(events, e => Assert.Equal((EventTypes.Ai, EventNames.Reflect), (e.Type, e.Name)));
        Assert.InRange(events.Count, 2, 60 / 4);
        Assert.Equal(text, string.Concat(events.Select(e => e.Text)));
        Assert.Equal([.. Enumerable.Repeat(false, events.Count - 1), true], events.Select(e => ((ReflectData)e.Data!).Final));
    }

    [Fact]
    public void Reflect_tokens_wait_within_the_interval_and_are_flushed_by_the_next_part_after_it()
    {
        var time = new FakeTimeProvider();
        var mapper = Mapper(chunkChars: 1000, time);
        Assert.Empty(mapper.Map(Part("events", Token("Hel"))));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(mapper.Map(Part("events", Token("lo"))));

        time.Advance(TimeSpan.FromSeconds(2));
        var flushed = Events(mapper.Map(Part("events", new JsonObject { ["event"] = "on_chain_stream", ["name"] = "x" })));

        Assert.Equal(("Hello", false), (flushed.Single().Text, ((ReflectData)flushed.Single().Data!).Final));
    }

    [Fact]
    public void An_ai_message_without_streamed_tokens_becomes_one_final_reflect_event()
    {
        var events = Events(Mapper().Map(Part("values", new JsonObject
        {
            ["chat_history"] = new JsonArray(new JsonObject { ["type"] = "ai", ["content"] = "All done.", ["id"] = "m1" }),
        })));

        Assert.Equal(("All done.", true), (events.Single().Text, ((ReflectData)events.Single().Data!).Final));
    }

    [Fact]
    public void Progress_custom_events_become_progress_events_with_a_clamped_percent()
    {
        var events = Events(Mapper().Map(Part("events", new JsonObject
        {
            ["event"] = "on_custom_event", ["name"] = "progress",
            ["data"] = new JsonObject { ["stage"] = "render", ["percent"] = 140, ["message"] = "Almost" },
        })));

        // The render's progress in plain words; the agent's own message stays in the data.
        Assert.Equal(("Video cut", EventNames.Progress), (events.Single().Text, events.Single().Name));
        Assert.Equal(new ProgressData("render", 100, "Almost"), events.Single().Data);
    }

    private static JsonObject Custom(string name, JsonObject data) => new()
    {
        ["event"] = "on_custom_event", ["name"] = name, ["metadata"] = new JsonObject { ["langgraph_node"] = "video-editing" }, ["data"] = data,
    };

    [Fact]
    public void The_agents_preview_event_becomes_a_preview_event_with_the_playlist_behind_the_api()
    {
        var events = Events(Mapper().Map(Part("events", Custom("preview", new JsonObject
        {
            ["playlist_url"] = "http://agent:8123/sample/montage_1a2b3c4d.preview.m3u8", ["message"] = "Watch it while it is cut.",
        }))));

        // Plain words for the timeline; the agent's own message stays in data.
        Assert.Equal((EventTypes.System, EventNames.Preview, PlainWords.Preview), (events.Single().Type, events.Single().Name, events.Single().Text));
        Assert.Equal(new PreviewData("/api/jockey/files/sample/montage_1a2b3c4d.preview.m3u8", "Watch it while it is cut."), events.Single().Data);
    }

    [Theory]
    [InlineData("https://elsewhere.example/x.m3u8")]
    [InlineData("file:///data/outputs/x.m3u8")]
    [InlineData(null)]
    public void A_preview_of_anything_but_the_agents_own_files_is_dropped(string? url)
    {
        var data = new JsonObject { ["playlist_url"] = url };
        Assert.Empty(Mapper().Map(Part("events", Custom("preview", data))));
    }

    /// <summary>A real server's graph may dispatch custom events of its own; they are no news to a person.</summary>
    [Fact]
    public void Unknown_custom_events_are_ignored_in_events_and_custom_modes()
    {
        var data = new JsonObject { ["frames"] = 42, ["note"] = "telemetry" };
        Assert.Empty(Mapper().Map(Part("events", Custom("render-stats", data))));
        Assert.Empty(Mapper().Map(Part("custom", data)));
    }

    [Fact]
    public void Text_generation_output_becomes_a_text_result_naming_the_tool()
    {
        var events = Settled(Part("events", ToolEvent("on_tool_end", "summarize", new JsonObject { ["output"] = "Three sunrises over water." })));

        Assert.Equal((EventTypes.Ai, EventNames.TextResult, "Three sunrises over water."), (events.Single().Type, events.Single().Name, events.Single().Text));
        Assert.Equal(new TextResultData("summarize"), events.Single().Data);
    }

    /// <summary>Issue 20: the timeline reads as plain words; queries, tools and nodes stay in the data for the curious.</summary>
    [Fact]
    public void Steps_say_what_happens_in_plain_words_and_keep_the_technical_fields_in_the_data()
    {
        var mapper = Mapper();
        var clips = new JsonArray(
            new JsonObject { ["video_id"] = "ocean-waves", ["start"] = 0, ["end"] = 4 },
            new JsonObject { ["video_id"] = "forest-stream", ["start"] = 2, ["end"] = 8 });
        var outputs = new[]
        {
            Part("updates", new JsonObject { ["supervisor"] = new JsonObject { ["next_worker"] = "planner" } }),
            Part("events", ToolEvent("on_tool_start", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "ocean forest" } })),
            Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "ocean forest" }, ["output"] = clips.ToJsonString() })),
            Part("events", ToolEvent("on_tool_start", "combine-clips", new JsonObject { ["input"] = new JsonObject { ["clips"] = clips.DeepClone() } })),
            Part("custom", new JsonObject { ["stage"] = "rendering", ["percent"] = 40, ["message"] = "Rendering ocean_forest_montage_1a2b3c4d.mp4: 40%" }),
        }.SelectMany(mapper.Map).ToList();
        outputs.AddRange(mapper.Complete());

        var events = Events(outputs);
        // The search result waits for its node's update (here the run's end), so it comes last.
        Assert.Equal(["Planning the edit…", "Looking for “ocean forest”…", "Cutting your 10-second video…", "Cutting your video… 40%", "Found 2 shots"],
            events.Select(e => e.Text));
        Assert.Equal(new StatusData("planner", null, null), events[0].Data);
        Assert.Equal(new StatusData("video-search", "simple-video-search", "ocean forest"), events[1].Data);
        Assert.Equal(new ProgressData("rendering", 40, "Rendering ocean_forest_montage_1a2b3c4d.mp4: 40%"), events[3].Data);
        Assert.Equal("ocean forest", ((SearchResultsData)events[4].Data!).Query);
        Assert.DoesNotContain(events, e => e.Text.Contains("simple-video-search") || e.Text.Contains(".mp4") || e.Text.Contains("sample"));
    }

    [Fact]
    public void A_tool_error_output_is_reported_as_an_error_status()
    {
        var events = Settled(Part("events", ToolEvent("on_tool_end", "combine-clips",
            new JsonObject { ["output"] = new JsonObject { ["message"] = "ffmpeg exited 1", ["error"] = "CalledProcessError" }.ToJsonString() })));

        Assert.Equal((EventTypes.Error, "That step failed: ffmpeg exited 1"), (events.Single().Type, events.Single().Text));
    }

    [Theory]
    [InlineData("https://cdn.example/v1.m3u8", "https://cdn.example/v1.m3u8")]
    [InlineData("/app/public/sample/v1.mp4", null)]
    [InlineData("file:///app/public/sample/v1.mp4", null)]
    [InlineData("javascript:alert(1)", null)]
    public void Clip_urls_off_the_agent_pass_only_when_a_browser_can_fetch_them(string url, string? expected)
    {
        var clips = new JsonArray(new JsonObject { ["video_id"] = "v1", ["start"] = 0, ["end"] = 1, ["video_url"] = url, ["thumbnail_url"] = url }).ToJsonString();

        var events = Settled(Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["output"] = clips })));

        var clip = Assert.Single(Assert.IsType<SearchResultsData>(Assert.Single(events).Data).Clips);
        Assert.Equal((expected, expected), (clip.VideoUrl, clip.ThumbnailUrl));
    }

    private static JockeyStreamPart Update(string node, params JsonObject[] messages) =>
        Part("updates", new JsonObject { [node] = new JsonObject { ["chat_history"] = new JsonArray([.. messages]) } });

    [Fact]
    public void Modern_tool_reports_show_the_tool_results_not_an_empty_reflection_and_keep_the_real_one()
    {
        var mapper = Mapper();
        var clips = new JsonArray(new JsonObject { ["video_id"] = "v1", ["start"] = 0, ["end"] = 2 }).ToJsonString();
        var call = new JsonObject { ["type"] = "ai", ["name"] = "video-search", ["content"] = "", ["id"] = "a1",
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call_s", ["name"] = "simple-video-search", ["args"] = new JsonObject { ["query"] = "sunrise" } }) };
        var result = new JsonObject { ["type"] = "tool", ["name"] = "simple-video-search", ["tool_call_id"] = "call_s", ["content"] = clips, ["id"] = "t1" };
        var render = new JsonObject { ["type"] = "ai", ["content"] = "", ["id"] = "a2",
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call_r", ["name"] = "combine-clips", ["args"] = new JsonObject { ["clips"] = new JsonArray() } }) };
        var rendered = new JsonObject { ["type"] = "tool", ["name"] = "combine-clips", ["tool_call_id"] = "call_r", ["content"] = "/out/sample/m_1.mp4", ["id"] = "t2" };
        var reflection = new JsonObject { ["type"] = "ai", ["name"] = "reflect", ["content"] = "Here it is.", ["id"] = "a3", ["tool_calls"] = new JsonArray() };

        var outputs = new[] { Update("video-search", call, result), Update("video-editing", render, rendered), Update("reflect", reflection) }
            .SelectMany(mapper.Map).ToList();
        outputs.AddRange(mapper.Complete());

        var events = Events(outputs);
        Assert.Equal([EventNames.SearchResults, EventNames.Reflect], events.Select(e => e.Name));
        Assert.Equal("sunrise", ((SearchResultsData)events[0].Data!).Query);
        Assert.Equal(("Here it is.", true), (events[1].Text, ((ReflectData)events[1].Data!).Final));
        Assert.Equal(("m_1.mp4", "combine-clips", "call_r"), (Assert.Single(outputs.OfType<VideoProduced>()).FileName, outputs.OfType<VideoProduced>().Single().ToolCall.Name, outputs.OfType<VideoProduced>().Single().ToolCall.Id));
    }

    [Fact]
    public void A_modern_tool_message_with_error_status_is_reported_as_the_tools_failure()
    {
        var mapper = Mapper();
        var call = new JsonObject { ["type"] = "ai", ["content"] = "", ["id"] = "a1",
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "c1", ["name"] = "combine-clips", ["args"] = new JsonObject() }) };
        var failed = new JsonObject { ["type"] = "tool", ["name"] = "combine-clips", ["tool_call_id"] = "c1", ["status"] = "error", ["content"] = "ffmpeg exited 1", ["id"] = "t1" };

        var events = Events(mapper.Map(Update("video-editing", call, failed)));

        Assert.Equal((EventTypes.Error, "That step failed: ffmpeg exited 1"), (events.Single().Type, events.Single().Text));
    }

    [Fact]
    public void Values_show_only_the_messages_after_this_runs_input_although_the_first_frame_holds_the_history()
    {
        var mapper = Mapper();
        mapper.InputMessageId = "u2";
        JsonObject Message(string type, string? name, string content, string id) => new() { ["type"] = type, ["name"] = name, ["content"] = content, ["id"] = id };
        var history = new JsonArray(Message("human", "user", "first", "u1"), Message("human", "planner", "Old plan", "p1"), Message("ai", "reflect", "Old video.", "r1"),
            Message("human", "user", "second", "u2"));

        var first = Events(mapper.Map(Part("values", new JsonObject { ["chat_history"] = history.DeepClone() })));
        history.Add(Message("human", "planner", "New plan", "p2"));
        history.Add(Message("ai", "reflect", "New video.", "r2"));
        var next = Events(mapper.Map(Part("values", new JsonObject { ["chat_history"] = history })));

        Assert.Empty(first);
        Assert.Equal([("planner", "New plan"), ("reflect", "New video.")], next.Select(e => (e.Name!, e.Text)));
    }

    [Fact]
    public void Messages_tuple_tokens_of_the_reflect_node_stream_the_reflection_and_custom_progress_shows_progress()
    {
        var mapper = Mapper(chunkChars: 1000);
        JockeyStreamPart Token(string node, string text) =>
            Part("messages", new JsonArray(new JsonObject { ["type"] = "AIMessageChunk", ["content"] = text }, new JsonObject { ["langgraph_node"] = node }));

        var outputs = new[] { Token("planner", "not shown"), Token("reflect", "Here "), Token("reflect", "it is."),
            Part("custom", new JsonObject { ["stage"] = "render", ["percent"] = 40 }) }.SelectMany(mapper.Map).ToList();
        outputs.AddRange(mapper.Complete());

        var events = Events(outputs);
        Assert.Equal([(EventNames.Progress, "Cutting your video… 40%"), (EventNames.Reflect, "Here it is.")], events.Select(e => (e.Name!, e.Text)));
    }

    /// <summary>
    /// What a replica taking a run over relies on: a mapper restored from the state saved between any two parts goes on
    /// exactly as the original would have — held tool results, pending reflect text and seen messages included.
    /// </summary>
    [Fact]
    public void A_mapper_restored_from_its_saved_state_at_any_point_goes_on_as_the_original_would()
    {
        var clips = new JsonArray(new JsonObject { ["video_id"] = "v1", ["start"] = 0, ["end"] = 1, ["thumbnail_url"] = "http://agent:8123/sample/v1.jpg" }).ToJsonString();
        var report = new JsonArray(new JsonObject { ["name"] = "simple-video-search", ["args"] = new JsonObject { ["query"] = "fog" }, ["output"] = clips }).ToJsonString();
        JockeyStreamPart[] parts =
        [
            Part("events", ToolEvent("on_tool_start", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "fog" } })),
            Part("events", ToolEvent("on_tool_end", "simple-video-search", new JsonObject { ["input"] = new JsonObject { ["query"] = "fog" }, ["output"] = clips })),
            Part("updates", new JsonObject { ["video-search"] = new JsonObject { ["chat_history"] = new JsonArray(
                new JsonObject { ["type"] = "human", ["name"] = "instructor", ["content"] = "Search for fog.", ["id"] = "i1" },
                new JsonObject { ["type"] = "human", ["name"] = "video-search", ["content"] = report, ["id"] = "w1" }) } }),
            Part("events", Token("Foggy hills, ")),
            Part("events", Token("quiet and grey.")),
            Part("events", Token("", "on_chat_model_end")),
            Part("updates", new JsonObject { ["reflect"] = new JsonObject { ["chat_history"] = new JsonArray(
                new JsonObject { ["type"] = "ai", ["content"] = "Foggy hills, quiet and grey.", ["id"] = "r1" }) } }),
        ];
        var original = Mapper();
        var expected = Shown([.. parts.SelectMany(original.Map), .. original.Complete()]);

        for (var cut = 0; cut <= parts.Length; cut++)
        {
            var before = Mapper();
            var first = parts.Take(cut).SelectMany(before.Map).ToList();
            var after = Mapper();
            after.RestoreState(before.SaveState());
            var rest = parts.Skip(cut).SelectMany(after.Map).ToList();
            rest.AddRange(after.Complete());

            var shown = Shown([.. first, .. rest]);
            Assert.True(expected.SequenceEqual(shown), $"Restored after part {cut}:\n{string.Join("\n", shown)}\nexpected:\n{string.Join("\n", expected)}");
        }
    }

    /// <summary>Events as the log would store them: name, text and data as JSON.</summary>
    private static List<string> Shown(IEnumerable<RunOutput> outputs) =>
        [.. Events(outputs).Select(e => $"{e.Name}|{e.Text}|{JsonSerializer.Serialize(e.Data, Jockey.ApiService.Hosting.ApiJson.Options)}")];
}
