using Jockey.ApiService.Media;

namespace Jockey.Tests.Api;

/// <summary>The rule <c>/api/media/…</c> and <c>/api/jockey/files/…</c> apply before a path reaches Blob Storage or the agent.</summary>
public sealed class MediaPathRuleTests
{
    [Theory]
    [InlineData("thread/op/video.mp4", 3)]
    [InlineData("thread/op/My clip (1).mp4", 3)]
    [InlineData("sample", 1)]
    [InlineData("nested/file_name-2.jpg", 1)]
    public void Plain_relative_paths_pass(string path, int minSegments) => Assert.True(MediaApi.IsSafePath(path, minSegments));

    [Theory]
    [InlineData("thread/../secret.mp4")]
    [InlineData("../op/video.mp4")]
    [InlineData("thread/./video.mp4")]
    [InlineData("/thread/op/video.mp4")]
    [InlineData("thread//video.mp4")]
    [InlineData("thread/op/..\\..\\win.ini")]
    [InlineData("thread/op/..%2F..%2Fetc")]
    [InlineData("thread/op/video\u0000.mp4")]
    [InlineData("thread/op/")]
    [InlineData("")]
    [InlineData(null)]
    public void Traversal_rooted_empty_and_odd_paths_are_refused(string? path) => Assert.False(MediaApi.IsSafePath(path, minSegments: 1));

    [Fact]
    public void A_path_with_too_few_segments_is_refused() => Assert.False(MediaApi.IsSafePath("thread/video.mp4", minSegments: 3));

    [Fact]
    public void An_overlong_path_is_refused() => Assert.False(MediaApi.IsSafePath(string.Join('/', Enumerable.Repeat("segment", 80)), minSegments: 1));

    [Theory]
    [InlineData("Ocean + Forest, 10 s", "Ocean + Forest, 10 s.mp4")]
    [InlineData("Ocean.mp4", "Ocean.mp4")]
    [InlineData("a\"b\r\nSet-Cookie: x", "abSet-Cookie x.mp4")]
    [InlineData("../../etc/passwd", "etcpasswd.mp4")]
    [InlineData("", "video_1a2b.mp4")]
    [InlineData(null, "video_1a2b.mp4")]
    public void A_download_name_keeps_only_header_and_file_system_safe_characters(string? name, string expected) =>
        Assert.Equal(expected, MediaApi.DownloadName(name, "thread/op/video_1a2b.mp4"));
}
