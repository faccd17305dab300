import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import deployed, planted_interactions, solution, trained_group, version
from tests.conftest import ACCOUNT, REGION, error_of

PLANTED = {"first": 55, "second": 45, "third": 35, "fourth": 25}


def status_of(raised):
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def item_ids(answer):
    return [item["itemId"] for item in answer["itemList"]]


@pytest.fixture
def live(aws):
    """A popularity campaign trained on data whose order is planted: first, second, third, fourth."""
    return deployed(aws, planted_interactions(PLANTED))


def test_get_recommendations_answers_in_the_trained_popularity_order(aws, live):
    answer = aws.runtime.get_recommendations(campaignArn=live.campaign, userId="user-00")
    assert item_ids(answer)[:4] == ["first", "second", "third", "fourth"]
    assert len(answer["itemList"]) == 25
    assert len(set(item_ids(answer))) == 25


def test_get_recommendations_honours_num_results(aws, live):
    answer = aws.runtime.get_recommendations(campaignArn=live.campaign, userId="user-00", numResults=3)
    assert item_ids(answer) == ["first", "second", "third"]


def test_get_recommendations_gives_the_same_list_to_every_user(aws, live):
    lists = [item_ids(aws.runtime.get_recommendations(campaignArn=live.campaign, userId=u)) for u in ("user-07", "x")]
    assert lists[0] == lists[1]


def test_popularity_recommendations_have_no_score(aws, live):
    answer = aws.runtime.get_recommendations(campaignArn=live.campaign, userId="user-00")
    assert all(set(item) == {"itemId"} for item in answer["itemList"])


def test_each_answer_has_its_own_recommendation_id(aws, live):
    ids = {
        aws.runtime.get_recommendations(campaignArn=live.campaign, userId="user-00")["recommendationId"] for _ in "ab"
    }
    assert len(ids) == 2
    assert all(ids)


def test_num_results_over_500_is_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=live.campaign, userId="user-00", numResults=501)
    assert error_of(raised) == ("InvalidInputException", "numResults must be at most 500; got 501.")
    assert status_of(raised) == 400


def test_get_recommendations_from_a_campaign_that_does_not_exist_is_404(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:campaign/missing"
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=arn, userId="user-00")
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
    assert status_of(raised) == 404


def test_get_recommendations_from_a_campaign_not_yet_active(aws, visible_pace):
    configure(pace=0)
    version_arn = version(aws, solution(aws, trained_group(aws).group))
    configure(pace=visible_pace)
    arn = aws.personalize.create_campaign(name="young", solutionVersionArn=version_arn)["campaignArn"]
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=arn, userId="user-00")
    assert error_of(raised) == (
        "InvalidInputException",
        f"The campaign {arn} is CREATE PENDING; it serves only when ACTIVE.",
    )
    assert status_of(raised) == 400


def test_get_recommendations_without_a_user_is_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(campaignArn=live.campaign)
    assert error_of(raised) == (
        "InvalidInputException",
        "userId is required for a campaign of a USER_PERSONALIZATION recipe.",
    )


def test_get_recommendations_without_a_campaign_is_refused(aws):
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_recommendations(userId="user-00")
    assert error_of(raised) == ("InvalidInputException", "Either campaignArn or recommenderArn is required.")


def test_get_personalized_ranking_on_a_popularity_campaign_is_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_personalized_ranking(campaignArn=live.campaign, userId="user-00", inputList=["first"])
    assert error_of(raised) == (
        "InvalidInputException",
        f"The campaign {live.campaign} does not rank items: GetPersonalizedRanking needs a campaign of a "
        "PERSONALIZED_RANKING recipe, such as aws-personalized-ranking.",
    )
    assert status_of(raised) == 400


def test_get_personalized_ranking_of_more_than_500_items_is_refused(aws, live):
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_personalized_ranking(
            campaignArn=live.campaign, userId="user-00", inputList=[f"item-{n}" for n in range(501)]
        )
    assert error_of(raised) == ("InvalidInputException", "inputList can hold at most 500 items; got 501.")


def test_get_personalized_ranking_from_a_campaign_that_does_not_exist_is_404(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:campaign/missing"
    with pytest.raises(ClientError) as raised:
        aws.runtime.get_personalized_ranking(campaignArn=arn, userId="user-00", inputList=["first"])
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")
    assert status_of(raised) == 404
