"""Programmes over HTTP: create and manage, sessions, nominations, selection, enrolment,
attendance, assessment, completion and drop-out. Views validate, call a service, render."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.api_base import ApiPagination, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.exceptions import ApplicationError
from gongjiang.training import selectors
from gongjiang.training.api.common import (
    ERRORS,
    TrainingEnrollmentOutput,
    TrainingNominationOutput,
    TrainingProgramOutput,
    TrainingSessionOutput,
    any_organization_field,
    occupation_field,
    organization_field,
    person_field,
    policy_field,
    region_field,
)
from gongjiang.training.models import Attendance, Nomination, TrainingProgram, TrainingSession
from gongjiang.training.services import programs as services

TAG = "training"


class TrainingProgramFields(BaseInput):
    name = serializers.CharField(max_length=200, label=_("项目名称"))
    kind = serializers.ChoiceField(choices=TrainingProgram.Kind.choices, label=_("项目类型"))
    organizer = organization_field(label=_("主办单位"))
    provider = any_organization_field(required=False, allow_null=True, label=_("承办/培训机构"))
    partners = serializers.ListField(child=any_organization_field(label=_("合作单位")), required=False,
                                     label=_("合作单位"))
    region = region_field(required=False, allow_null=True, label=_("所属地区"))
    occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
    occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                            label=_("职业（工种）/专业方向"))
    target_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                           label=_("目标等级"))
    destination_country = serializers.CharField(required=False, allow_blank=True, max_length=2,
                                                label=_("研修目的国"))
    host_partner = any_organization_field(required=False, allow_null=True, label=_("境外接待机构"))
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("天数"))
    start_date = serializers.DateField(label=_("开始日期"))
    end_date = serializers.DateField(label=_("结束日期"))
    nomination_deadline = serializers.DateField(required=False, allow_null=True, label=_("推荐截止日期"))
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0, label=_("名额"))
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, label=_("总学时"))
    cost_per_person = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                               label=_("人均费用"))
    funding_source = serializers.ChoiceField(choices=TrainingProgram.FundingSource.choices, required=False,
                                             label=_("经费来源"))
    subsidy_policy = policy_field(required=False, allow_null=True, label=_("适用补贴政策"))
    selection_criteria = serializers.CharField(required=False, allow_blank=True, label=_("遴选条件"))
    min_attendance_rate = serializers.IntegerField(required=False, min_value=0, max_value=100,
                                                   label=_("结业最低出勤率"))
    assessment_required = serializers.BooleanField(required=False, label=_("结业须考核"))
    awards_international_certificate = serializers.BooleanField(required=False, label=_("颁发国际证书"))
    certificate_title = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                              label=_("国际证书名称"))
    certificate_awarding_body = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                                      label=_("国际证书颁发机构"))
    leads_to_evaluation = serializers.BooleanField(required=False, label=_("结业后参加技能等级认定"))
    points_per_hour = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                               label=_("每学时积分"))
    max_hours_points = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                                label=_("学时积分上限"))
    completion_points = serializers.IntegerField(required=False, min_value=0, label=_("结业积分"))
    certificate_points = serializers.IntegerField(required=False, min_value=0, label=_("取证积分"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("项目说明"))


class TrainingProgramFilterSerializer(BaseInput):
    q = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("名称"))
    kind = serializers.ChoiceField(choices=TrainingProgram.Kind.choices, required=False, label=_("项目类型"))
    status = serializers.ChoiceField(choices=TrainingProgram.Status.choices, required=False, label=_("状态"))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, label=_("年度"))
    organizer = serializers.IntegerField(required=False, min_value=1, label=_("主办单位编号"))


class TrainingProgramsApi(APIView):
    """``GET`` programmes in scope (and every published one); ``POST`` creates a draft."""

    pagination_class = ApiPagination

    class InputSerializer(TrainingProgramFields):
        pass

    @extend_schema(tags=[TAG], summary=_("培训项目列表"), parameters=[TrainingProgramFilterSerializer],
                   responses={200: TrainingProgramOutput(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        filters = TrainingProgramFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        programs = selectors.program_list(user=request.user,
                                          filters=selectors.ProgramFilters(**filters.validated_data))
        return paginated_response(request=request, view=self, queryset=programs.prefetch_related("partners"),
                                  serializer_class=TrainingProgramOutput)

    @extend_schema(tags=[TAG], summary=_("创建培训项目"), request=InputSerializer,
                   responses={201: TrainingProgramOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        program = services.program_create(actor=request.user, **serializer.validated_data)
        return Response(TrainingProgramOutput(program).data, status=status.HTTP_201_CREATED)


class TrainingProgramApi(APIView):
    class InputSerializer(TrainingProgramFields):
        """The same fields as creation; every one optional (``PATCH``)."""

    @extend_schema(tags=[TAG], summary=_("培训项目详情"), responses={200: TrainingProgramOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(TrainingProgramOutput(selectors.program_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(tags=[TAG], summary=_("修改培训项目"), request=InputSerializer,
                   responses={200: TrainingProgramOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        program = services.program_update(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingProgramOutput(program).data)


class TrainingProgramStatusApi(APIView):
    class InputSerializer(BaseInput):
        status = serializers.ChoiceField(choices=TrainingProgram.Status.choices, label=_("新状态"))
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("说明"))

    @extend_schema(tags=[TAG], summary=_("发布、开始、结束或取消项目"), request=InputSerializer,
                   responses={200: TrainingProgramOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program = services.program_set_status(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingProgramOutput(program).data)


class TrainingSessionsApi(APIView):
    class InputSerializer(BaseInput):
        title = serializers.CharField(max_length=200, label=_("内容"))
        date = serializers.DateField(label=_("日期"))
        start_time = serializers.TimeField(required=False, allow_null=True, label=_("开始时间"))
        end_time = serializers.TimeField(required=False, allow_null=True, label=_("结束时间"))
        hours = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, label=_("学时"))
        location = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("地点"))
        teacher = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("授课/带教"))

    @extend_schema(tags=[TAG], summary=_("课次列表"), responses={200: TrainingSessionOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        return Response(TrainingSessionOutput(selectors.session_list(program=program), many=True).data)

    @extend_schema(tags=[TAG], summary=_("添加课次"), request=InputSerializer,
                   responses={201: TrainingSessionOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_add(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingSessionOutput(session).data, status=status.HTTP_201_CREATED)


def _session_for(request: Request, pk: int) -> TrainingSession:
    from django.http import Http404

    session = TrainingSession.objects.select_related("program").filter(pk=pk).first()
    if session is None:
        raise Http404
    selectors.program_get_for_user(user=request.user, pk=session.program_id)
    return session


class TrainingSessionApi(APIView):
    class InputSerializer(BaseInput):
        title = serializers.CharField(required=False, max_length=200, label=_("内容"))
        date = serializers.DateField(required=False, label=_("日期"))
        start_time = serializers.TimeField(required=False, allow_null=True, label=_("开始时间"))
        end_time = serializers.TimeField(required=False, allow_null=True, label=_("结束时间"))
        hours = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, label=_("学时"))
        location = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("地点"))
        teacher = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("授课/带教"))

    @extend_schema(tags=[TAG], summary=_("修改课次"), request=InputSerializer,
                   responses={200: TrainingSessionOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        session = services.session_update(actor=request.user, session=_session_for(request, pk),
                                          **serializer.validated_data)
        return Response(TrainingSessionOutput(session).data)

    @extend_schema(tags=[TAG], summary=_("删除课次（未记考勤时）"), request=None,
                   responses={204: None, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def delete(self, request: Request, pk: int) -> Response:
        services.session_delete(actor=request.user, session=_session_for(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingAttendanceApi(APIView):
    class InputSerializer(BaseInput):
        marks = serializers.DictField(child=serializers.ChoiceField(choices=Attendance.Status.choices),
                                      label=_("考勤"), help_text=_("学员编号 → present/absent/leave"))

    class OutputSerializer(serializers.Serializer):
        written = serializers.IntegerField(label=_("记录条数"))

    @extend_schema(tags=[TAG], summary=_("记录课次考勤"), request=InputSerializer,
                   responses={200: OutputSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        session = _session_for(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            marks = {int(key): value for key, value in serializer.validated_data["marks"].items()}
        except ValueError:
            raise ApplicationError(_("考勤的键应为学员编号（整数）。"), field="marks") from None
        written = services.attendance_record(actor=request.user, session=session, marks=marks)
        return Response(self.OutputSerializer({"written": written}).data)


class TrainingNominationsApi(APIView):
    """``GET`` the nominations of a programme the user may see; ``POST`` nominates a person."""

    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        person = person_field(label=_("人员编号"))
        reason = serializers.CharField(required=False, allow_blank=True, label=_("推荐理由"))
        score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True,
                                         label=_("遴选评分"))

    @extend_schema(tags=[TAG], summary=_("推荐报名列表"), responses={200: TrainingNominationOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        nominations = selectors.nomination_list(user=request.user, program=program)
        return paginated_response(request=request, view=self, queryset=nominations,
                                  serializer_class=TrainingNominationOutput)

    @extend_schema(tags=[TAG], summary=_("单位推荐人员"), request=InputSerializer,
                   responses={201: TrainingNominationOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        nomination = services.nomination_create(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingNominationOutput(nomination).data, status=status.HTTP_201_CREATED)


class TrainingApplyApi(APIView):
    class InputSerializer(BaseInput):
        reason = serializers.CharField(required=False, allow_blank=True, label=_("报名理由"))

    @extend_schema(tags=[TAG], summary=_("个人报名"), request=InputSerializer,
                   responses={201: TrainingNominationOutput, 400: ERRORS[400], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination = services.nomination_apply(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingNominationOutput(nomination).data, status=status.HTTP_201_CREATED)


class TrainingNominationWithdrawApi(APIView):
    class InputSerializer(BaseInput):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("撤回原因"))

    @extend_schema(tags=[TAG], summary=_("撤回推荐"), request=InputSerializer,
                   responses={200: TrainingNominationOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        nomination = selectors.nomination_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination = services.nomination_withdraw(actor=request.user, nomination=nomination,
                                                  **serializer.validated_data)
        return Response(TrainingNominationOutput(nomination).data)


class TrainingNominationScoreApi(APIView):
    class InputSerializer(BaseInput):
        score = serializers.DecimalField(max_digits=5, decimal_places=1, label=_("遴选评分"))
        note = serializers.CharField(required=False, allow_blank=True, label=_("遴选意见"))

    @extend_schema(tags=[TAG], summary=_("遴选评分"), request=InputSerializer,
                   responses={200: TrainingNominationOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        nomination = selectors.nomination_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination = services.nomination_score(actor=request.user, nomination=nomination, **serializer.validated_data)
        return Response(TrainingNominationOutput(nomination).data)


class TrainingSelectionApi(APIView):
    class InputSerializer(BaseInput):
        selected = serializers.ListField(child=serializers.IntegerField(min_value=1), label=_("入选的推荐编号"))
        not_selected = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                             label=_("未入选的推荐编号"))
        criteria = serializers.CharField(required=False, allow_blank=True, label=_("遴选条件"))
        note = serializers.CharField(required=False, allow_blank=True, label=_("遴选意见"))
        enrolled_on = serializers.DateField(required=False, allow_null=True, label=_("报到日期"))

    class OutputSerializer(serializers.Serializer):
        selected = TrainingNominationOutput(many=True)
        not_selected = TrainingNominationOutput(many=True)
        enrollments = TrainingEnrollmentOutput(many=True)

    @extend_schema(tags=[TAG], summary=_("遴选：确定入选名单并报到"), request=InputSerializer,
                   responses={200: OutputSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        wanted = set(data["selected"]) | set(data.get("not_selected", []))
        found = {n.pk: n for n in Nomination.objects.filter(pk__in=wanted, program=program)}
        if set(found) != wanted:
            raise ApplicationError(_(services.ERR_SELECTION_FOREIGN), field="selected")
        result = services.selection_decide(
            actor=request.user, program=program, selected=[found[i] for i in data["selected"]],
            not_selected=[found[i] for i in data.get("not_selected", [])], criteria=data.get("criteria", ""),
            note=data.get("note", ""), enrolled_on=data.get("enrolled_on"),
        )
        return Response(self.OutputSerializer(result).data)


class TrainingEnrollmentsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        person = person_field(label=_("人员编号"))
        enrolled_on = serializers.DateField(required=False, allow_null=True, label=_("报到日期"))

    @extend_schema(tags=[TAG], summary=_("学员列表"), responses={200: TrainingEnrollmentOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        enrollments = selectors.enrollment_list(user=request.user, program=program).select_related(
            "completion_credential")
        return paginated_response(request=request, view=self, queryset=enrollments,
                                  serializer_class=TrainingEnrollmentOutput)

    @extend_schema(tags=[TAG], summary=_("直接报名入班"), request=InputSerializer,
                   responses={201: TrainingEnrollmentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        enrollment = services.enrollment_create(actor=request.user, program=program, **serializer.validated_data)
        return Response(TrainingEnrollmentOutput(enrollment).data, status=status.HTTP_201_CREATED)


class TrainingAssessmentApi(APIView):
    class InputSerializer(BaseInput):
        passed = serializers.BooleanField(label=_("考核合格"))
        score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True,
                                         label=_("考核成绩"))
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("考核说明"))

    @extend_schema(tags=[TAG], summary=_("录入考核结果"), request=InputSerializer,
                   responses={200: TrainingEnrollmentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        enrollment = selectors.enrollment_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = services.assessment_record(actor=request.user, enrollment=enrollment,
                                                **serializer.validated_data)
        return Response(TrainingEnrollmentOutput(enrollment).data)


class TrainingCompleteAllApi(APIView):
    class OutputSerializer(serializers.Serializer):
        completed = TrainingEnrollmentOutput(many=True)
        refused = serializers.ListField(child=serializers.DictField(), label=_("未结业及原因"))

    @extend_schema(tags=[TAG], summary=_("为符合条件的全部学员办理结业"), request=None,
                   responses={200: OutputSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        result = services.program_complete_eligible(actor=request.user, program=program)
        return Response(self.OutputSerializer({
            "completed": result.completed,
            "refused": [{"enrollment": e.pk, "person": e.person.name, "reasons": reasons}
                        for e, reasons in result.refused],
        }).data)


class TrainingCompleteApi(APIView):
    class InputSerializer(BaseInput):
        on = serializers.DateField(required=False, allow_null=True, label=_("结业日期"))
        certificate_number = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                                   label=_("国际证书编号"))
        certificate_issue_date = serializers.DateField(required=False, allow_null=True, label=_("发证日期"))
        certificate_valid_until = serializers.DateField(required=False, allow_null=True, label=_("有效期至"))
        evaluation_application_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                             label=_("技能等级认定申报编号"))

    @extend_schema(tags=[TAG], summary=_("办理结业（发结业证书、记积分、登记国际证书）"), request=InputSerializer,
                   responses={200: TrainingEnrollmentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        enrollment = selectors.enrollment_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = services.enrollment_complete(actor=request.user, enrollment=enrollment,
                                                  **serializer.validated_data)
        return Response(TrainingEnrollmentOutput(enrollment).data)


class TrainingDropApi(APIView):
    class InputSerializer(BaseInput):
        reason = serializers.CharField(max_length=300, label=_("退出原因"))
        on = serializers.DateField(required=False, allow_null=True, label=_("退出日期"))

    @extend_schema(tags=[TAG], summary=_("学员退出"), request=InputSerializer,
                   responses={200: TrainingEnrollmentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        enrollment = selectors.enrollment_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = services.enrollment_drop(actor=request.user, enrollment=enrollment, **serializer.validated_data)
        return Response(TrainingEnrollmentOutput(enrollment).data)


class MyTrainingApi(APIView):
    """A worker's own training record."""

    @extend_schema(tags=[TAG], summary=_("我的培训"), responses={200: TrainingEnrollmentOutput(many=True)})
    def get(self, request: Request) -> Response:
        person = getattr(request.user, "person", None)
        if person is None:
            return Response([])
        history = selectors.training_history_for_person(user=request.user, person=person)
        return Response(TrainingEnrollmentOutput(history.enrollments, many=True).data)
