using Jockey.ApiService.Streaming.Backplane;

namespace Jockey.Tests.Api;

/// <summary>The groups a hub connection is in: one kept in a field, more in a set, each left exactly once.</summary>
public class GroupMembershipTests
{
    [Fact]
    public void One_group_is_joined_once_and_left_once()
    {
        var membership = new GroupMembership();

        Assert.True(membership.Add("thread:a"));
        Assert.False(membership.Add("thread:a"));
        Assert.Equal(["thread:a"], membership.Snapshot());

        Assert.True(membership.Remove("thread:a"));
        Assert.False(membership.Remove("thread:a"));
        Assert.Empty(membership.Snapshot());
    }

    [Fact]
    public void More_groups_are_each_kept_until_left()
    {
        var membership = new GroupMembership();
        membership.Add("thread:a");

        Assert.True(membership.Add("thread:b"));
        Assert.True(membership.Add("thread:c"));
        Assert.False(membership.Add("thread:a"));
        Assert.False(membership.Add("thread:b"));
        Assert.Equal(["thread:a", "thread:b", "thread:c"], membership.Snapshot().Order());

        Assert.True(membership.Remove("thread:a"));
        Assert.False(membership.Remove("thread:missing"));
        Assert.Equal(["thread:b", "thread:c"], membership.Snapshot().Order());

        Assert.True(membership.Remove("thread:b"));
        Assert.True(membership.Remove("thread:c"));
        Assert.Empty(membership.Snapshot());
        Assert.True(membership.Add("thread:d"));
        Assert.Equal(["thread:d"], membership.Snapshot());
    }

    [Fact]
    public void Group_names_differ_by_case()
    {
        var membership = new GroupMembership();

        Assert.True(membership.Add("thread:A"));
        Assert.True(membership.Add("thread:a"));
        Assert.True(membership.Remove("thread:a"));
        Assert.Equal(["thread:A"], membership.Snapshot());
    }
}
