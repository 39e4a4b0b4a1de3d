from django.urls import path

from passaparola.recognition import views

app_name = "recognition"
urlpatterns = [
    path("leaderboard/", views.leaderboard_view, name="leaderboard"),
    path("points/", views.points_view, name="points"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("journey/", views.journey_view, name="journey"),
    path("journey/programme/", views.journey_overview, name="journey_overview"),
    path("badges/", views.badges_view, name="badges"),
    path("badges/catalogue/", views.badge_catalogue_view, name="badge_catalogue"),
    path("badges/catalogue/defaults/", views.badge_defaults_view, name="badge_defaults"),
    path("badges/new/", views.badge_new, name="badge_new"),
    path("badges/<int:badge_id>/edit/", views.badge_edit, name="badge_edit"),
    path("challenges/", views.challenges_view, name="challenges"),
    path("challenges/new/", views.challenge_new, name="challenge_new"),
    path("challenges/<int:challenge_id>/", views.challenge_detail, name="challenge"),
    path("challenges/<int:challenge_id>/edit/", views.challenge_edit, name="challenge_edit"),
    path("rewards/", views.rewards_view, name="rewards"),
    path("rewards/<int:reward_id>/claim/", views.reward_claim_view, name="reward_claim"),
    path("rewards/claims/<int:claim_id>/cancel/", views.claim_cancel_view, name="claim_cancel"),
    path("rewards/catalogue/", views.reward_catalogue_view, name="reward_catalogue"),
    path("rewards/new/", views.reward_new, name="reward_new"),
    path("rewards/<int:reward_id>/edit/", views.reward_edit, name="reward_edit"),
    path("rewards/claims/", views.claims_view, name="claims"),
    path("rewards/claims/<int:claim_id>/approve/", views.claim_approve_view, name="claim_approve"),
    path("rewards/claims/<int:claim_id>/decline/", views.claim_decline_view, name="claim_decline"),
    path("kudos/", views.kudos_view, name="kudos"),
    path("kudos/<int:person_id>/", views.kudos_send_view, name="kudos_send"),
    path("people/<int:person_id>/nudge/", views.nudge_send, name="nudge_send"),
    path("recognition/settings/", views.settings_view, name="settings"),
    path("recognition/settings/points/", views.scheme_save, name="scheme_save"),
    path("recognition/settings/journey/", views.journey_settings_save, name="journey_save"),
]
