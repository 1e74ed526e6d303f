using Jockey.ApiService.Streaming.Backplane;

namespace Jockey.Tests.Api;

/// <summary>The groups a hub connection is in: one kept in fields, more in a dictionary, each left exactly once, each with what the connection holds of it.</summary>
public class GroupMembershipTests
{
    [Fact]
    public void One_group_is_joined_once_and_left_once()
    {
        var membership = new GroupMembership();

        Assert.True(membership.Add("thread:a", 0));
        Assert.False(membership.Add("thread:a", 0));
        Assert.Equal(["thread:a"], membership.Snapshot());

        Assert.True(membership.Remove("thread:a"));
        Assert.False(membership.Remove("thread:a"));
        Assert.Empty(membership.Snapshot());
    }

    [Fact]
    public void More_groups_are_each_kept_until_left()
    {
        var membership = new GroupMembership();
        membership.Add("thread:a", 0);

        Assert.True(membership.Add("thread:b", 0));
        Assert.True(membership.Add("thread:c", 0));
        Assert.False(membership.Add("thread:a", 0));
        Assert.False(membership.Add("thread:b", 0));
        Assert.Equal(["thread:a", "thread:b", "thread:c"], membership.Snapshot().Order());

        Assert.True(membership.Remove("thread:a"));
        Assert.False(membership.Remove("thread:missing"));
        Assert.Equal(["thread:b", "thread:c"], membership.Snapshot().Order());

        Assert.True(membership.Remove("thread:b"));
        Assert.True(membership.Remove("thread:c"));
        Assert.Empty(membership.Snapshot());
        Assert.True(membership.Add("thread:d", 0));
        Assert.Equal(["thread:d"], membership.Snapshot());
    }

    [Fact]
    public void Group_names_differ_by_case()
    {
        var membership = new GroupMembership();

        Assert.True(membership.Add("thread:A", 0));
        Assert.True(membership.Add("thread:a", 0));
        Assert.True(membership.Remove("thread:a"));
        Assert.Equal(["thread:A"], membership.Snapshot());
    }

    [Fact]
    public void What_a_connection_holds_of_each_group_only_rises_and_follows_it_into_the_dictionary()
    {
        var membership = new GroupMembership();
        membership.Add("thread:a", 3);
        membership.Hold("thread:a", 7);
        membership.Hold("thread:a", 5);
        membership.Hold("thread:missing", 9);

        Assert.Equal(7, membership.HeldIn("thread:a"));
        Assert.True(membership.Add("thread:b", 2));
        Assert.False(membership.Add("thread:b", 20));
        membership.Hold("thread:b", 4);

        Assert.Equal(7, membership.HeldIn("thread:a"));
        Assert.Equal(4, membership.HeldIn("thread:b"));
        Assert.Equal(0, membership.HeldIn("thread:missing"));
        Assert.True(membership.Remove("thread:a"));
        Assert.Equal(0, membership.HeldIn("thread:a"));
    }
}
