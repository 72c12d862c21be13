//! The integration suite: the real server on a random port, over SQLite and over PostgreSQL.
//! Every test runs on both backends (`sqlite::…` and `postgres::…`).

mod access;
mod accounts;
mod actions;
mod board;
mod cli;
mod csv;
mod csv_turns;
mod demo;
mod detentions;
mod forecast;
mod french;
mod helpers;
mod language;
mod limits;
mod live;
mod live_access;
mod map;
mod openapi;
mod outage;
mod own_password;
mod port_operations;
mod production;
mod replay;
mod rights;
mod roles;
mod seeded_targeting;
mod seizures;
mod signin;
mod sim;
mod targeting;
mod targeting_french;
mod tokens;
mod trends;
mod waits;
mod wall;

use access::{
    a_database_without_an_administrator_gets_one_once,
    a_flood_of_refusals_is_counted_not_written_each, bearer_tokens_stop_when_revoked,
    demo_mode_offers_personas_and_only_in_demo_mode,
    every_role_meets_the_same_authority_on_every_endpoint, failed_sign_ins_are_slowed_then_refused,
    sessions_are_server_side_and_end_when_they_should,
    sessions_time_out_and_cookies_are_secure_over_tls, signed_in_answers_are_never_stored,
};
use accounts::{
    accounts_hash_passwords_and_check_credentials, an_account_name_raced_by_many_is_made_once,
    tokens_are_stored_hashed_and_can_be_revoked,
};
use actions::{
    accounts_of_one_badge_racing_to_act_link_one, fifty_officers_claim_one_inspection_and_one_wins,
    holds_move_only_as_the_rules_allow, inspections_are_claimed_worked_and_completed,
    random_actions_never_break_the_rules, twenty_people_placing_one_hold_at_once_place_it_once,
};
use cli::{
    a_bad_configuration_value_is_refused_with_its_name,
    a_benchmark_times_the_database_as_it_stands, a_manifest_is_imported_and_its_bad_row_reported,
    accounts_and_tokens_from_the_command_line, each_benchmark_runs_at_a_small_size,
    migrate_then_seed_the_same_country_twice, serve_caps_live_streams_by_its_flag,
    serve_with_each_flag, the_help_lists_every_variable_of_the_readme_with_its_default,
    the_trends_benchmark_times_the_country_s_30_days,
};

use csv::{
    a_formula_in_a_description_comes_out_defused, a_large_list_is_sent_whole_a_part_at_a_time,
    csv_downloads_are_allowed_as_their_json_is,
    csv_is_asked_for_either_way_and_a_bad_format_is_named,
    each_list_s_csv_has_its_json_s_rows_under_its_filters,
};
use csv_turns::{
    a_csv_file_stops_at_its_row_cap_and_says_so, csv_downloads_take_turns_and_give_them_back,
};
use demo::the_demos_goods_fit_their_holds;
use detentions::{
    a_detention_runs_from_its_notice_to_each_outcome,
    a_notice_is_sent_once_and_refusals_write_nothing,
    perishable_goods_have_five_days_and_no_extension, the_notice_downloads_as_a_bilingual_pdf,
};
use openapi::{
    every_served_route_is_documented_and_nothing_else, the_api_page_is_served_by_the_product_alone,
};
use own_password::{
    current_passwords_guessed_at_once_are_checked_at_most_five_times,
    people_change_their_own_password,
};
use port_operations::{
    a_port_change_reaches_live_boards, an_edit_keeps_or_takes_away_a_notices_expiry,
    an_expired_notice_is_ended_by_the_timer, port_operations_are_for_the_ports_supervisors,
    stale_or_bad_changes_change_nothing, ten_changes_on_one_version_one_wins,
    the_readmes_port_calls_run_as_written,
};
use replay::{
    a_replay_from_checkpoints_shows_what_the_whole_journal_shows,
    an_instant_that_cannot_be_shown_is_refused_naming_at,
    the_board_replayed_at_a_moment_is_what_it_showed_then,
    the_running_server_checkpoints_the_board,
};
use rights::{
    a_declaration_under_a_request_is_detained_and_its_score_names_the_request,
    a_request_matches_declarations_only_while_in_force,
    renewals_sent_together_extend_a_request_once,
    the_register_keeps_a_request_two_years_journaled_and_refuses_bad_input_unwritten,
};
use roles::serve_runs_as_a_role_that_owns_nothing;
use seeded_targeting::the_seeded_history_is_scored_and_its_figures_are_not_zero;
use seizures::a_seizure_report_carries_its_fields_and_the_parties_only_when_chosen;
use signin::{
    a_burst_of_sign_ins_does_not_stall_other_requests,
    forty_guesses_at_once_are_checked_at_most_five_times,
};
use sim::{
    a_simulated_day_has_the_shape_of_a_seeded_day,
    an_administrator_pauses_and_resumes_the_simulation,
    the_same_seed_and_start_give_the_same_journal,
};

use targeting::{
    a_batch_reports_bad_declarations_by_index_and_keeps_the_good,
    a_declaration_is_scored_held_referred_and_seen_live,
    a_manifest_with_good_and_bad_rows_keeps_the_good, a_resend_updates_and_never_duplicates,
    a_rule_edit_makes_a_new_version_and_scores_name_theirs,
    capacity_overflow_waits_and_is_released_in_score_order,
    oversized_and_wrongly_typed_bodies_are_refused,
};

use targeting_french::{
    a_manifest_row_is_refused_in_the_language_asked_for,
    the_targeting_page_is_in_french_for_a_reader_who_chose_it,
};

use board::{
    bad_input_gets_a_clear_4xx_in_json, cross_site_requests_that_change_state_are_refused,
    every_inspection_names_its_holds_shipment, health_and_readiness,
    holds_filter_sort_and_paginate, inspection_queue_is_ordered_by_priority_then_due,
    overview_shows_a_country_with_consistent_totals, pages_render_on_the_server,
    readiness_fails_when_the_database_is_gone, readiness_fails_while_the_live_pump_cannot_read,
    responses_carry_security_headers, server_functions_answer_bad_input_with_4xx,
    server_functions_hold_the_bounds_of_the_api, shipment_has_its_timeline_from_the_journal,
    the_board_benchmark_runs_on_a_fresh_database, the_demo_seed_needs_one_connection_at_a_time,
    the_journal_is_append_only, the_release_and_arrival_tallies_follow_every_shipment_write,
    the_same_seed_gives_the_same_database, the_sign_in_page_tells_nothing_of_the_journal,
    waiting_referrals_are_released_by_the_running_server,
};
use forecast::{
    a_constructed_port_gets_the_forecast_its_figures_give,
    the_forecast_benchmark_scores_its_forecasts,
};
use french::{
    refusals_of_the_areas_are_french_with_the_same_codes,
    the_accounts_page_lists_people_first_and_folds_the_simulated, the_areas_pages_speak_french,
};
use helpers::Backend;
use language::{
    a_language_choice_is_checked_saved_and_journaled,
    pages_follow_the_saved_choice_then_the_cookie_then_the_browser,
    the_api_answers_in_the_language_asked_with_the_same_codes, the_command_line_speaks_its_locale,
};
use limits::{
    client_addresses_come_from_trusted_proxies_only,
    imports_run_a_few_at_a_time_and_slow_bodies_give_their_turn_back,
    unknown_fields_cost_one_short_line_per_declaration,
};
use live::{
    a_client_too_far_behind_is_told_to_reload, a_lagging_stream_catches_up_from_the_database,
    a_parked_stream_whose_client_leaves_is_let_go,
    a_parked_stream_whose_reader_stalls_loses_nothing,
    a_position_the_pump_has_not_read_yet_is_resumed_not_reloaded,
    a_reconnecting_client_gets_every_change_once_in_order, each_account_sees_only_what_it_may_read,
    shutdown_ends_open_streams,
    streams_are_the_same_on_fresh_and_reused_connections_and_kept_alive,
};
use live_access::{
    a_live_stream_ends_soon_after_its_access_does, a_live_stream_ends_when_its_session_times_out,
    a_live_stream_ends_when_its_token_is_revoked_or_expires,
    access_ended_on_one_instance_ends_streams_on_another,
    an_account_holds_at_most_its_share_of_live_streams,
    what_a_live_stream_reads_follows_its_accounts_rights,
};
use tokens::{
    a_password_change_revokes_tokens_unless_kept, a_token_notes_its_last_use_once_a_minute,
    tokens_expire_and_are_listed_and_revoked_one_by_one, tokens_from_before_expiry_get_ninety_days,
};
use trends::{
    a_constructed_history_gives_the_trends_it_should, bad_filters_are_named_and_strangers_refused,
    counterfeit_detentions_are_counted_per_rights_holder,
};

use map::{
    a_port_without_a_place_is_listed_not_drawn,
    demo_ports_seeded_before_places_are_placed_by_the_migration,
    every_demo_port_has_its_place_in_the_api_and_on_the_map,
};
use waits::{
    a_file_of_bad_rows_changes_nothing_and_limits_hold,
    an_officer_records_waits_at_their_port_journaled_and_live,
    imports_of_one_file_at_once_record_each_row_once,
    others_than_the_ports_officers_may_not_record_waits,
    the_cbsa_file_records_our_offices_rows_and_names_the_bad_ones,
    the_wait_times_file_is_imported_from_the_command_line,
};
use wall::{
    a_cycle_out_of_bounds_runs_at_the_default_and_says_so,
    an_officer_of_one_port_sees_the_whole_country_as_on_the_overview,
    the_wall_shows_a_viewer_the_country_totals_and_no_controls,
    the_wall_speaks_the_language_of_its_address,
};

/// Declares each test once per backend.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await })+
        }
    };
}

use production::{
    a_backup_taken_while_the_simulator_writes_restores_verifies_and_serves,
    a_caller_cannot_choose_its_request_id, serve_gives_its_figures_json_logs_and_request_ids,
    the_deployment_files_are_what_the_product_reads,
};

on_both_backends!(
    a_detention_runs_from_its_notice_to_each_outcome,
    perishable_goods_have_five_days_and_no_extension,
    a_notice_is_sent_once_and_refusals_write_nothing,
    the_notice_downloads_as_a_bilingual_pdf,
    the_register_keeps_a_request_two_years_journaled_and_refuses_bad_input_unwritten,
    a_request_matches_declarations_only_while_in_force,
    a_declaration_under_a_request_is_detained_and_its_score_names_the_request,
    renewals_sent_together_extend_a_request_once,
    the_demos_goods_fit_their_holds,
    the_seeded_history_is_scored_and_its_figures_are_not_zero,
    a_seizure_report_carries_its_fields_and_the_parties_only_when_chosen,
    serve_gives_its_figures_json_logs_and_request_ids,
    a_backup_taken_while_the_simulator_writes_restores_verifies_and_serves,
    a_caller_cannot_choose_its_request_id,
    the_board_replayed_at_a_moment_is_what_it_showed_then,
    a_replay_from_checkpoints_shows_what_the_whole_journal_shows,
    the_running_server_checkpoints_the_board,
    an_instant_that_cannot_be_shown_is_refused_naming_at,
    port_operations_are_for_the_ports_supervisors,
    a_port_change_reaches_live_boards,
    stale_or_bad_changes_change_nothing,
    ten_changes_on_one_version_one_wins,
    an_expired_notice_is_ended_by_the_timer,
    an_edit_keeps_or_takes_away_a_notices_expiry,
    the_readmes_port_calls_run_as_written,
    the_api_answers_in_the_language_asked_with_the_same_codes,
    pages_follow_the_saved_choice_then_the_cookie_then_the_browser,
    a_language_choice_is_checked_saved_and_journaled,
    the_command_line_speaks_its_locale,
    health_and_readiness,
    overview_shows_a_country_with_consistent_totals,
    holds_filter_sort_and_paginate,
    inspection_queue_is_ordered_by_priority_then_due,
    shipment_has_its_timeline_from_the_journal,
    bad_input_gets_a_clear_4xx_in_json,
    readiness_fails_when_the_database_is_gone,
    readiness_fails_while_the_live_pump_cannot_read,
    the_journal_is_append_only,
    pages_render_on_the_server,
    the_same_seed_gives_the_same_database,
    the_release_and_arrival_tallies_follow_every_shipment_write,
    every_inspection_names_its_holds_shipment,
    accounts_hash_passwords_and_check_credentials,
    tokens_are_stored_hashed_and_can_be_revoked,
    people_change_their_own_password,
    current_passwords_guessed_at_once_are_checked_at_most_five_times,
    responses_carry_security_headers,
    cross_site_requests_that_change_state_are_refused,
    server_functions_answer_bad_input_with_4xx,
    server_functions_hold_the_bounds_of_the_api,
    the_sign_in_page_tells_nothing_of_the_journal,
    the_board_benchmark_runs_on_a_fresh_database,
    every_role_meets_the_same_authority_on_every_endpoint,
    sessions_are_server_side_and_end_when_they_should,
    sessions_time_out_and_cookies_are_secure_over_tls,
    signed_in_answers_are_never_stored,
    failed_sign_ins_are_slowed_then_refused,
    forty_guesses_at_once_are_checked_at_most_five_times,
    a_burst_of_sign_ins_does_not_stall_other_requests,
    demo_mode_offers_personas_and_only_in_demo_mode,
    bearer_tokens_stop_when_revoked,
    tokens_expire_and_are_listed_and_revoked_one_by_one,
    a_token_notes_its_last_use_once_a_minute,
    a_password_change_revokes_tokens_unless_kept,
    tokens_from_before_expiry_get_ninety_days,
    a_live_stream_ends_when_its_token_is_revoked_or_expires,
    a_database_without_an_administrator_gets_one_once,
    holds_move_only_as_the_rules_allow,
    inspections_are_claimed_worked_and_completed,
    fifty_officers_claim_one_inspection_and_one_wins,
    accounts_of_one_badge_racing_to_act_link_one,
    random_actions_never_break_the_rules,
    twenty_people_placing_one_hold_at_once_place_it_once,
    an_account_name_raced_by_many_is_made_once,
    a_reconnecting_client_gets_every_change_once_in_order,
    a_lagging_stream_catches_up_from_the_database,
    a_client_too_far_behind_is_told_to_reload,
    each_account_sees_only_what_it_may_read,
    shutdown_ends_open_streams,
    the_same_seed_and_start_give_the_same_journal,
    an_administrator_pauses_and_resumes_the_simulation,
    a_simulated_day_has_the_shape_of_a_seeded_day,
    a_position_the_pump_has_not_read_yet_is_resumed_not_reloaded,
    a_declaration_is_scored_held_referred_and_seen_live,
    a_resend_updates_and_never_duplicates,
    a_batch_reports_bad_declarations_by_index_and_keeps_the_good,
    oversized_and_wrongly_typed_bodies_are_refused,
    capacity_overflow_waits_and_is_released_in_score_order,
    a_manifest_with_good_and_bad_rows_keeps_the_good,
    a_manifest_row_is_refused_in_the_language_asked_for,
    the_targeting_page_is_in_french_for_a_reader_who_chose_it,
    a_rule_edit_makes_a_new_version_and_scores_name_theirs,
    streams_are_the_same_on_fresh_and_reused_connections_and_kept_alive,
    a_parked_stream_whose_reader_stalls_loses_nothing,
    a_parked_stream_whose_client_leaves_is_let_go,
    a_live_stream_ends_soon_after_its_access_does,
    a_live_stream_ends_when_its_session_times_out,
    what_a_live_stream_reads_follows_its_accounts_rights,
    an_account_holds_at_most_its_share_of_live_streams,
    access_ended_on_one_instance_ends_streams_on_another,
    every_served_route_is_documented_and_nothing_else,
    the_api_page_is_served_by_the_product_alone,
    migrate_then_seed_the_same_country_twice,
    accounts_and_tokens_from_the_command_line,
    a_manifest_is_imported_and_its_bad_row_reported,
    each_benchmark_runs_at_a_small_size,
    a_benchmark_times_the_database_as_it_stands,
    serve_with_each_flag,
    serve_runs_as_a_role_that_owns_nothing,
    the_wall_shows_a_viewer_the_country_totals_and_no_controls,
    the_wall_speaks_the_language_of_its_address,
    a_cycle_out_of_bounds_runs_at_the_default_and_says_so,
    an_officer_of_one_port_sees_the_whole_country_as_on_the_overview,
    a_flood_of_refusals_is_counted_not_written_each,
    serve_caps_live_streams_by_its_flag,
    the_demo_seed_needs_one_connection_at_a_time,
    waiting_referrals_are_released_by_the_running_server,
    client_addresses_come_from_trusted_proxies_only,
    unknown_fields_cost_one_short_line_per_declaration,
    imports_run_a_few_at_a_time_and_slow_bodies_give_their_turn_back,
    the_areas_pages_speak_french,
    refusals_of_the_areas_are_french_with_the_same_codes,
    the_accounts_page_lists_people_first_and_folds_the_simulated,
    a_constructed_port_gets_the_forecast_its_figures_give,
    the_forecast_benchmark_scores_its_forecasts,
    each_list_s_csv_has_its_json_s_rows_under_its_filters,
    csv_is_asked_for_either_way_and_a_bad_format_is_named,
    a_formula_in_a_description_comes_out_defused,
    csv_downloads_are_allowed_as_their_json_is,
    a_large_list_is_sent_whole_a_part_at_a_time,
    csv_downloads_take_turns_and_give_them_back,
    a_csv_file_stops_at_its_row_cap_and_says_so,
    every_demo_port_has_its_place_in_the_api_and_on_the_map,
    demo_ports_seeded_before_places_are_placed_by_the_migration,
    a_port_without_a_place_is_listed_not_drawn,
    an_officer_records_waits_at_their_port_journaled_and_live,
    others_than_the_ports_officers_may_not_record_waits,
    the_cbsa_file_records_our_offices_rows_and_names_the_bad_ones,
    a_file_of_bad_rows_changes_nothing_and_limits_hold,
    imports_of_one_file_at_once_record_each_row_once,
    the_wait_times_file_is_imported_from_the_command_line,
    a_constructed_history_gives_the_trends_it_should,
    counterfeit_detentions_are_counted_per_rights_holder,
    bad_filters_are_named_and_strangers_refused,
    the_trends_benchmark_times_the_country_s_30_days,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_configuration_value_is_refused() {
    a_bad_configuration_value_is_refused_with_its_name().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deployment_files_are_checked() {
    the_deployment_files_are_what_the_product_reads().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_help_lists_every_variable_of_the_readme() {
    the_help_lists_every_variable_of_the_readme_with_its_default().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_heads_sent_slowly_are_cut_off() {
    limits::request_heads_sent_slowly_are_cut_off().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_kept_alive_connections_are_closed() {
    limits::idle_kept_alive_connections_are_closed().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_refused() {
    limits::connections_beyond_the_cap_are_refused().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_stream_on_postgres() {
    live::two_processes_share_one_stream_on_postgres().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_on_sqlite_wakes_the_stream_without_the_poll() {
    live::a_commit_on_sqlite_wakes_the_stream_without_the_poll().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_benchmark_runs_in_its_own_processes() {
    live::the_live_benchmark_runs_in_its_own_processes().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_benchmark_runs_through_a_server_already_serving_sqlite() {
    live::the_live_benchmark_runs_through_a_server_already_serving(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_benchmark_runs_through_a_server_already_serving_postgres() {
    live::the_live_benchmark_runs_through_a_server_already_serving(Backend::Postgres).await
}
